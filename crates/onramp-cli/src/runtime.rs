//! The async runtime commands that talk to the network run on: the
//! engine's current-thread runtime ([`onramp_engine::runtime`]), on the main
//! thread.

use onramp_engine::ErrorCode;

use crate::failure::Failure;

/// Runs a future to completion on the engine's runtime.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, Failure> {
    onramp_engine::runtime::block_on(future).map_err(|e| {
        Failure::new(
            ErrorCode::Internal,
            format!("cannot start the async runtime: {e}"),
        )
    })
}
