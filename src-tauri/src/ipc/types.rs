//! `ui/src/types.ts`: the TypeScript declaration of every IPC type.
//!
//! The roots are the commands' arguments and answers and the events'
//! payloads; everything they contain is found by walking ts-rs's dependency
//! visitor, so a new field's type joins the file without being listed here.
//! The visitor's order changes from build to build, so the file is sorted
//! by name.

use std::any::TypeId;

use ts_rs::{Config, TS, TypeVisitor};

use onramp_engine::check::CheckResult;
use onramp_engine::connector::discovery::{Discovery, DiscoveryKind};
use onramp_engine::error::ErrorReport;
use onramp_engine::status::ProfileList;
use onramp_engine::sync::SyncProgress;
use onramp_engine::sync::run::SyncReport;
use onramp_engine::sync::store::RunRecord;
use onramp_engine::wizard::Wizard;

use crate::commands::diagnostics::{BundlePreview, SavedBundle};
use crate::commands::expiry::Recheck;
use crate::dto::{DraftValidation, DraftValues, LogTail, RunDetail, Settings, WizardSummary};
use crate::events::{OpenCredential, OpenRun};
use onramp_engine::expiring::list::ExpiryList;

const HEADER: &str = "\
// Generated from the Rust IPC types by src-tauri/src/ipc/types.rs; do not edit.
// Regenerate: ONRAMP_WRITE_IPC=1 cargo test -p onramp-desktop ipc::
// Every field, argument and payload is snake_case, as in the CLI's --json.
";

/// One declaration.
struct Declaration {
    id: TypeId,
    name: String,
    text: String,
}

/// Collects the declarations of a type and everything it refers to.
struct Collect<'a> {
    cfg: &'a Config,
    found: Vec<Declaration>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only derived types have an output path (a declaration of their
        // own); primitives and containers are written inline, and a derived
        // type visits the types inside its containers itself.
        if T::output_path().is_none() || self.found.iter().any(|d| d.id == TypeId::of::<T>()) {
            return;
        }
        let docs = T::docs().unwrap_or_default();
        self.found.push(Declaration {
            id: TypeId::of::<T>(),
            name: T::ident(self.cfg),
            text: format!("{docs}export {}\n", T::decl(self.cfg)),
        });
        T::visit_dependencies(self);
    }
}

/// The declarations, sorted by name.
fn declarations() -> Vec<Declaration> {
    // JSON numbers: every integer on the IPC fits an f64 (ids, counts, Unix seconds).
    let cfg = Config::default().with_large_int("number");
    let mut collect = Collect {
        cfg: &cfg,
        found: Vec::new(),
    };
    collect.visit::<ErrorReport>();
    collect.visit::<ProfileList>();
    collect.visit::<WizardSummary>();
    collect.visit::<Wizard>();
    collect.visit::<DraftValues>();
    collect.visit::<DraftValidation>();
    collect.visit::<CheckResult>();
    collect.visit::<DiscoveryKind>();
    collect.visit::<Discovery>();
    collect.visit::<SyncReport>();
    collect.visit::<SyncProgress>();
    collect.visit::<RunRecord>();
    collect.visit::<RunDetail>();
    collect.visit::<LogTail>();
    collect.visit::<Settings>();
    collect.visit::<OpenRun>();
    collect.visit::<OpenCredential>();
    collect.visit::<ExpiryList>();
    collect.visit::<Recheck>();
    collect.visit::<BundlePreview>();
    collect.visit::<crate::window::OpenTarget>();
    collect.visit::<SavedBundle>();
    collect.visit::<crate::updates::UpdateStatus>();
    let mut found = collect.found;
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// The text of `ui/src/types.ts`.
fn render() -> String {
    let mut out = String::from(HEADER);
    for declaration in declarations() {
        out.push('\n');
        out.push_str(&declaration.text);
    }
    out
}

#[test]
fn the_committed_declarations_are_what_the_rust_types_generate() {
    super::check_committed("ui/src/types.ts", &render());
}

#[test]
fn no_two_types_share_a_typescript_name() {
    let mut names: Vec<String> = declarations().into_iter().map(|d| d.name).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(
        before,
        names.len(),
        "two IPC types are declared under one name"
    );
}

#[test]
fn large_integers_are_numbers_and_optional_fields_are_marked() {
    let text = render();
    assert!(!text.contains("bigint"), "{text}");
    // `remediation` is left out of the JSON when empty: the front end must not assume it.
    assert!(text.contains("remediation?: Array<string>"), "{text}");
}
