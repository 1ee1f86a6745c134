//! The memory allocator the Onramp binaries run on, and its one setting.
//!
//! A sync decodes directory entries on the LDAP connection's thread and
//! frees them on another, hundreds of thousands of times a run. glibc's
//! malloc is slow at that pattern (a 100,000-user read took twice as long);
//! mimalloc is built for it. mimalloc 3 keeps freed memory for a second
//! before returning it to the system, which lifts a sync's peak RSS by tens
//! of MiB for no gain in a process that allocates in bursts; [`configure`]
//! makes it return memory at once. Figures: docs/benchmarks.md.
//!
//! The binaries (`onramp`, the desktop app, the benchmark) declare
//! `#[global_allocator] static A: Allocator = Allocator;` and call
//! [`configure`] first thing in `main`.

/// The global allocator of the Onramp binaries.
pub type Allocator = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t` (`mimalloc.h`); the
/// sys crate has no constant for it. The test below checks the index.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets mimalloc to return freed memory to the system without delay,
/// unless `MIMALLOC_PURGE_DELAY` in the environment says otherwise.
pub fn configure() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        set_option(PURGE_DELAY, 0);
    }
}

#[allow(unsafe_code)]
fn set_option(option: libmimalloc_sys::mi_option_t, value: std::ffi::c_long) {
    // SAFETY: mi_option_set only stores an integer in mimalloc's option
    // table (atomically); any option index below `_mi_option_last` is valid.
    unsafe { libmimalloc_sys::mi_option_set(option, value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(unsafe_code)]
    fn get_option(option: libmimalloc_sys::mi_option_t) -> std::ffi::c_long {
        // SAFETY: reads an integer from mimalloc's option table.
        unsafe { libmimalloc_sys::mi_option_get(option) }
    }

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc 3's default purge delay is 1000 ms, and no other option
        // near it defaults to that: the index names the right option.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get_option(PURGE_DELAY), 1000);
            configure();
            assert_eq!(get_option(PURGE_DELAY), 0);
        }
    }
}
