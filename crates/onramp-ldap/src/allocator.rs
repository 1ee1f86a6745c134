//! The memory allocator the Onramp binaries run on, and its settings.
//!
//! A sync decodes directory entries on the LDAP connection's thread and
//! frees them on another, hundreds of thousands of times a run. glibc's
//! malloc is slow at that pattern (a 100,000-user read took twice as long);
//! mimalloc is built for it. Two of its defaults do not suit a process that
//! allocates in bursts, and [`configure`] changes them:
//!
//! * mimalloc 3 keeps freed memory for a second before returning it to the
//!   system, which lifts a sync's peak RSS by tens of MiB for no gain; it is
//!   returned at once instead.
//! * It asks Linux for transparent huge pages. Returned at once, every
//!   2 MiB that is used again is faulted in and zeroed whole: the kernel's
//!   page zeroing was 13–19 % of a 100,000-user read's CPU, with huge pages
//!   off it is 2 %, and the peak RSS is 9 MiB lower. [`configure`] turns
//!   them off for the process (`PR_SET_THP_DISABLE`, inherited by child
//!   processes), as mimalloc does itself when `MIMALLOC_ALLOW_THP=0` is in
//!   the environment at start-up, which is too early for `main` to set.
//!
//! Either setting in the environment (`MIMALLOC_PURGE_DELAY`,
//! `MIMALLOC_ALLOW_THP`) wins. Figures: docs/benchmarks.md.
//!
//! The binaries (`onramp`, the desktop app, the benchmark) declare
//! `#[global_allocator] static A: Allocator = Allocator;` and call
//! [`configure`] first thing in `main`.

/// The global allocator of the Onramp binaries.
pub type Allocator = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t` (`mimalloc.h`); the
/// sys crate has no constants for the options. The test below checks the
/// indexes.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// `mi_option_allow_thp`.
const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Sets mimalloc to return freed memory to the system without delay, and
/// (on Linux) turns transparent huge pages off for the process, unless the
/// environment says otherwise.
pub fn configure() {
    configure_unless(|name| std::env::var_os(name).is_some());
}

/// [`configure`], with `is_set` saying which `MIMALLOC_*` variables the
/// environment sets (passed in so the test does not depend on the
/// environment it runs in).
fn configure_unless(is_set: impl Fn(&str) -> bool) {
    if !is_set("MIMALLOC_PURGE_DELAY") {
        set_option(PURGE_DELAY, 0);
    }
    if !is_set("MIMALLOC_ALLOW_THP") {
        set_option(ALLOW_THP, 0);
        // mimalloc makes this call itself only at start-up. A kernel without
        // the setting just keeps huge pages: slower, not wrong.
        #[cfg(target_os = "linux")]
        let _ = rustix::thread::disable_transparent_huge_pages(true);
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

    /// One test, as configuring changes the whole process: first with both
    /// variables "set" (nothing may change), then with neither.
    #[test]
    fn configure_sets_the_options_the_environment_leaves_alone() {
        let before = (get_option(PURGE_DELAY), get_option(ALLOW_THP));
        configure_unless(|_| true);
        assert_eq!((get_option(PURGE_DELAY), get_option(ALLOW_THP)), before);
        // Each variable guards only its own option.
        configure_unless(|name| name == "MIMALLOC_ALLOW_THP");
        assert_eq!(get_option(PURGE_DELAY), 0);
        assert_eq!(get_option(ALLOW_THP), before.1);
        configure_unless(|_| false);
        assert_eq!(get_option(PURGE_DELAY), 0);
        assert_eq!(get_option(ALLOW_THP), 0);
        #[cfg(target_os = "linux")]
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            Some(true)
        );
    }
}
