// The one list of the commands the window may call, as `module::command`.
// `build.rs` includes it to declare them (each then needs a grant in
// `capabilities/default.json`), `main.rs` to register them; the tests in
// `commands/mod.rs` hold the capability file and the front end to it.
commands! {
    profiles::list_profiles,
    wizard::list_wizards,
    wizard::get_wizard,
    wizard::validate_draft,
    wizard::stage_secret,
    wizard::run_checks,
    wizard::discover,
    wizard::preview_draft,
    wizard::save_profile,
    sync::sync_now,
    sync::approve_run,
    sync::run_history,
    sync::run_detail,
    expiry::expiry_list,
    expiry::recheck_credential,
    diagnostics::diagnostics_preview,
    diagnostics::diagnostics_save,
    updates::update_status,
    updates::update_check,
    updates::update_install,
    updates::update_restart,
    app::read_logs,
    app::get_settings,
    app::set_autostart,
    window::take_open_request,
    window::keep_window,
}
