//! `onramp agent --service`: the agent under the Windows service control
//! manager, through the `windows-service` crate.
//!
//! The service manager starts the process, which hands its main thread to
//! the dispatcher ([`service_dispatcher::start`]); the manager then calls
//! `ServiceMain` on a thread of its own. A stop or shutdown control raises
//! the agent's [`StopSignal`], exactly what SIGTERM does under systemd: the
//! agent finishes the object it is applying and returns, and the service
//! reports `Stopped`. While it finishes, it reports `StopPending` with a
//! wait hint as long as systemd's `TimeoutStopSec`.
//!
//! `ServiceMain` has a fixed signature and no context pointer, so what the
//! command line resolved (the paths, the secret store, the pace) reaches it
//! through one write-once cell, set before the dispatcher starts and only
//! read after; it is not shared state anything changes.
//!
//! Compiled on Windows only; this project's CI runs on Debian and does not
//! run it (docs/agent.md says how to register the service).

use std::ffi::OsString;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use onramp_engine::ErrorCode;
use onramp_engine::agent::AgentPace;
use onramp_engine::sync::stop::StopSignal;
use windows_service::service::{
    ServiceControl, ServiceControlAccept, ServiceExitCode, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{
    self, ServiceControlHandlerResult, ServiceStatusHandle,
};
use windows_service::{define_windows_service, service_dispatcher};

use crate::context::Context;
use crate::failure::{Exit, Failure};

/// The service's name, as registered with `sc.exe create`.
pub const SERVICE_NAME: &str = "OnrampAgent";

/// How long the agent may take to finish the object it is applying.
const STOP_WAIT: Duration = Duration::from_secs(120);

/// What `ServiceMain` runs: the command line's context and pace.
struct Launch {
    ctx: Context,
    pace: AgentPace,
}

static LAUNCH: OnceLock<Launch> = OnceLock::new();

define_windows_service!(ffi_service_main, service_main);

/// Runs the agent as the service until the manager stops it.
pub fn run(ctx: &Context, pace: AgentPace) -> Result<Exit, Failure> {
    let launch = Launch {
        ctx: ctx.clone(),
        pace,
    };
    if LAUNCH.set(launch).is_err() {
        return Err(Failure::new(
            ErrorCode::Internal,
            "the service was started twice in one process",
        ));
    }
    service_dispatcher::start(SERVICE_NAME, ffi_service_main).map_err(|e| {
        Failure::new(
            ErrorCode::NotSupported,
            format!(
                "cannot connect to the Windows service manager ({e}); `--service` is the command line of the {SERVICE_NAME} service, run `onramp agent` to run the agent in a console"
            ),
        )
    })?;
    Ok(Exit::Ok)
}

/// The service's entry point, on the service manager's thread.
fn service_main(_arguments: Vec<OsString>) {
    let Some(launch) = LAUNCH.get() else {
        return;
    };
    if let Err(e) = serve(launch) {
        tracing::error!("the {SERVICE_NAME} service failed: {e}");
    }
}

fn serve(launch: &Launch) -> windows_service::Result<()> {
    let stop = StopSignal::new();
    let status_cell: Arc<OnceLock<ServiceStatusHandle>> = Arc::new(OnceLock::new());
    let on_control = {
        let stop = stop.clone();
        let status_cell = status_cell.clone();
        move |control| match control {
            ServiceControl::Stop | ServiceControl::Shutdown => {
                tracing::info!("service stop requested: stopping");
                stop.request();
                if let Some(handle) = status_cell.get() {
                    let _ = handle.set_service_status(status(
                        ServiceState::StopPending,
                        ServiceControlAccept::empty(),
                        STOP_WAIT,
                        ServiceExitCode::Win32(0),
                    ));
                }
                ServiceControlHandlerResult::NoError
            }
            ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
            _ => ServiceControlHandlerResult::NotImplemented,
        }
    };
    let handle = service_control_handler::register(SERVICE_NAME, on_control)?;
    let _ = status_cell.set(handle);
    handle.set_service_status(status(
        ServiceState::Running,
        ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN,
        Duration::ZERO,
        ServiceExitCode::Win32(0),
    ))?;
    let exit = match super::agent::run(&launch.ctx, launch.pace, stop, false) {
        Ok(_) => ServiceExitCode::Win32(0),
        Err(e) => {
            tracing::error!("the agent ended: {}", e.report.message);
            ServiceExitCode::ServiceSpecific(1)
        }
    };
    handle.set_service_status(status(
        ServiceState::Stopped,
        ServiceControlAccept::empty(),
        Duration::ZERO,
        exit,
    ))
}

fn status(
    state: ServiceState,
    accept: ServiceControlAccept,
    wait_hint: Duration,
    exit_code: ServiceExitCode,
) -> ServiceStatus {
    ServiceStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state: state,
        controls_accepted: accept,
        exit_code,
        checkpoint: 0,
        wait_hint,
        process_id: None,
    }
}
