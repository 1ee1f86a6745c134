// Generated from the Rust IPC types by src-tauri/src/ipc/types.rs; do not edit.
// Regenerate: ONRAMP_WRITE_IPC=1 cargo test -p onramp-desktop ipc::
// Every field, argument and payload is snake_case, as in the CLI's --json.

/**
 * What applying did, in counts.
 */
export type ApplyCounts = { 
/**
 * Users created (or adopted: found on the platform already).
 */
created: number, 
/**
 * Users updated.
 */
updated: number, 
/**
 * Users deactivated or deleted.
 */
deprovisioned: number, 
/**
 * Groups created or whose membership changed.
 */
groups_changed: number, 
/**
 * Objects whose change failed.
 */
failed: number, 
/**
 * Users not updated because the platform's copy was edited (manual review).
 */
review: number, 
/**
 * Changes not made because the run was asked to stop.
 */
stopped: number, };

/**
 * One file of the bundle, already redacted.
 */
export type BundleFile = { 
/**
 * Its path inside the zip.
 */
path: string, 
/**
 * Its size in bytes.
 */
bytes: number, 
/**
 * What was removed from it, by kind (counts, never values).
 */
redacted: { [key in string]: number }, };

/**
 * The answer of `diagnostics_preview`: what the bundle will hold.
 */
export type BundlePreview = { 
/**
 * The preview's id, for `diagnostics_save`.
 */
id: number, 
/**
 * The files, each with its size and what was removed from it.
 */
files: Array<BundleFile>, 
/**
 * What could not be included, and why.
 */
notes: Array<string>, 
/**
 * Where `diagnostics_save` writes it.
 */
destination: string, };

/**
 * What an admin needs to see of a certificate.
 */
export type CertificateInfo = { 
/**
 * The subject DN.
 */
subject: string, 
/**
 * The issuer DN.
 */
issuer: string, 
/**
 * DNS names and IP addresses of the subjectAltName extension.
 */
sans: Array<string>, 
/**
 * Start of validity, RFC 3339.
 */
not_before: string, 
/**
 * End of validity, RFC 3339.
 */
not_after: string, 
/**
 * End of validity as Unix seconds, for expiry reminders.
 */
not_after_unix: number, 
/**
 * SHA-256 of the DER encoding, colon-separated upper-case hex.
 */
sha256: string, };

/**
 * One attribute that changes.
 */
export type Change = { 
/**
 * The attribute, as the admin knows it (`email`, `active`, `tags`, …).
 */
attribute: string, 
/**
 * The value before, as text (empty when absent).
 */
from: string, 
/**
 * The value after, as text (empty when absent).
 */
to: string, };

/**
 * The result of one check, as DESIGN.md defines it.
 */
export type CheckResult = { 
/**
 * The check's registry id, e.g. `target.auth`.
 */
id: string, 
/**
 * Pass, warn, fail or skipped.
 */
status: CheckStatus, 
/**
 * One line.
 */
summary: string, 
/**
 * Further explanation, possibly several sentences.
 */
details?: string, 
/**
 * Ordered steps that fix a failure or warning.
 */
remediation?: Array<string>, 
/**
 * What was observed.
 */
evidence?: Array<Evidence>, 
/**
 * The server certificate the check verified, for expiry reminders.
 */
certificate?: CertificateInfo, };

/**
 * The outcome of one check.
 */
export type CheckStatus = "pass" | "skipped" | "warn" | "fail";

/**
 * One thing the admin confirms on a checklist step.
 */
export type ChecklistItem = { 
/**
 * Unique within the step.
 */
id: string, 
/**
 * The sentence the admin ticks.
 */
label: string, 
/**
 * How to get it done.
 */
help?: string, };

/**
 * Where an item's end date came from.
 */
export type DateSource = "certificate" | "api" | "admin" | "last_use";

/**
 * A user who left the scope and will be deprovisioned.
 */
export type Deprovision = { 
/**
 * The user's anchor.
 */
anchor: string, 
/**
 * The platform's id, when known.
 */
target_id: string | null, 
/**
 * The platform login, for the admin.
 */
user_name: string, 
/**
 * Deactivate or delete.
 */
action: DeprovisionAction, };

/**
 * What happens to a user who left the scope.
 */
export type DeprovisionAction = "deactivate" | "delete";

/**
 * A group as the platform should have it.
 */
export type DesiredGroup = { 
/**
 * The source anchor, or `team:<name>` for the integration's team.
 */
anchor: string, 
/**
 * The platform group's name.
 */
display_name: string, 
/**
 * Anchors of the member users.
 */
members: Array<string>, };

/**
 * A user as the platform should have it.
 */
export type DesiredUser = { 
/**
 * The source anchor, sent as SCIM `externalId`.
 */
anchor: string, 
/**
 * The platform login (SCIM `userName`): the email address.
 */
user_name: string, 
/**
 * The email address.
 */
email: string, 
/**
 * Given name.
 */
given_name: string | null, 
/**
 * Family name.
 */
family_name: string | null, 
/**
 * Display name.
 */
display_name: string | null, 
/**
 * Phone number.
 */
phone: string | null, 
/**
 * Department.
 */
department: string | null, 
/**
 * Whether the account is active.
 */
active: boolean, 
/**
 * Whether the user gets the platform's admin role.
 */
admin: boolean, 
/**
 * The names of the synced groups the user is in, sorted.
 */
tags: Array<string>, };

/**
 * One discovery's answer.
 */
export type Discovery = { "what": "ous", 
/**
 * The root node.
 */
ous: Array<OuNode>, } | { "what": "groups", 
/**
 * Every group in scope.
 */
groups: Array<GroupInfo>, } | { "what": "email", 
/**
 * Counts and the users that would be skipped.
 */
email: EmailReport, };

/**
 * A discovery a connector offers, as the wizard's field types ask for it.
 */
export type DiscoveryKind = "ous" | "groups" | "email";

/**
 * The answer of `validate_draft`.
 */
export type DraftValidation = { 
/**
 * What is wrong, by field.
 */
errors: Array<FieldError>, 
/**
 * The file name the draft will be saved as.
 */
profile_name: string, };

/**
 * A field's value: the initial value in a wizard file, or what the admin entered.
 */
export type DraftValue = boolean | number | string | Array<string>;

/**
 * What the wizard collected so far, keyed by field key (`connection.url`),
 * as the window sends it. Kept as JSON values: the wizard model reads each
 * against its field and names the field when one is wrong.
 */
export type DraftValues = { [key in string]: DraftValue };

/**
 * The email attribute survey.
 */
export type EmailReport = { 
/**
 * The attribute the profile uses.
 */
attribute: string, 
/**
 * Users seen.
 */
users: number, 
/**
 * Users with `mail` only.
 */
mail_only: number, 
/**
 * Users with `userPrincipalName` only.
 */
upn_only: number, 
/**
 * Users with both, equal (case-insensitively).
 */
both_same: number, 
/**
 * Users with both, different.
 */
both_different: number, 
/**
 * Users with neither.
 */
neither: number, 
/**
 * Users the sync will take.
 */
eligible: number, 
/**
 * Users the sync will skip, with the reason.
 */
skipped: Array<SurveySkippedUser>, };

/**
 * Stable, machine-readable error categories shared by the CLI and the UI.
 */
export type ErrorCode = "invalid_input" | "profile_not_found" | "profile_invalid" | "profile_exists" | "secret_not_found" | "secret_store" | "io" | "not_supported" | "already_running" | "internal" | "stopped" | "untrusted";

/**
 * What an engine error looks like at the IPC and CLI boundary.
 */
export type ErrorReport = { 
/**
 * The stable category.
 */
code: ErrorCode, 
/**
 * One human sentence (or a few) saying what is wrong.
 */
message: string, 
/**
 * Ordered steps that fix it, when the engine knows them.
 */
remediation?: Array<string>, };

/**
 * One piece of observed evidence.
 */
export type Evidence = { 
/**
 * What was observed, e.g. `http_status` or `certificate.not_after`.
 */
key: string, 
/**
 * The observed value.
 */
value: string, };

/**
 * Every expiring credential, soonest first.
 */
export type ExpiryList = { 
/**
 * The time the days were counted from, Unix seconds.
 */
now_unix: number, 
/**
 * The items; those without a known end last.
 */
items: Array<ExpiryRow>, };

/**
 * One expiring credential, as the admin sees it.
 */
export type ExpiryRow = { 
/**
 * The profile's name.
 */
profile: string, 
/**
 * The profile's label (its name when the file does not validate).
 */
display_name: string, 
/**
 * The item's id (the check that sees it).
 */
item: string, 
/**
 * What it is, for people.
 */
label: string, 
/**
 * Its kind: `tls_certificate`, `client_secret`, `api_token`,
 * `service_account_key`.
 */
kind: string, 
/**
 * Its end, Unix seconds.
 */
not_after_unix: number | null, 
/**
 * Its end, RFC 3339 UTC.
 */
not_after: string | null, 
/**
 * Whole days left (0 on the last day, negative once ended).
 */
days_left: number | null, 
/**
 * How close it is to its end.
 */
state: ExpiryState, 
/**
 * Where the end date came from.
 */
date_source: DateSource, 
/**
 * When a check last confirmed it, Unix seconds.
 */
confirmed_unix: number, 
/**
 * What to do before it ends.
 */
what_to_do: string, };

/**
 * How close an item is to its end.
 */
export type ExpiryState = "ok" | "soon" | "expired" | "unknown";

/**
 * What an export wrote.
 */
export type ExportSummary = { 
/**
 * The run's folder.
 */
dir: string, 
/**
 * The files written in it, in [`EXPORT_FILES`] order.
 */
files: Array<string>, };

/**
 * One field's problem.
 */
export type FieldError = { 
/**
 * The field key, or empty when the problem is not tied to one field.
 */
key: string, 
/**
 * What is wrong and what was expected.
 */
message: string, };

/**
 * How the UI renders a field and which values it accepts.
 */
export type FieldType = "text" | "url" | "dn" | "secret" | "number" | "toggle" | "select" | "list" | "email_attribute" | "ou_tree" | "group_picker";

/**
 * A membership change of a platform group.
 */
export type GroupChange = { 
/**
 * The group's anchor.
 */
anchor: string, 
/**
 * The platform's id, when known.
 */
target_id: string | null, 
/**
 * The group's name.
 */
display_name: string, 
/**
 * Anchors of users to add.
 */
add: Array<string>, 
/**
 * Anchors of users to remove.
 */
remove: Array<string>, };

/**
 * A group as the admin chooses among them.
 */
export type GroupInfo = { 
/**
 * The group's DN.
 */
dn: string, 
/**
 * Its name (cn).
 */
name: string, 
/**
 * Direct members, all of them (ranged retrieval past 1500 on AD).
 */
member_count: number, 
/**
 * The group's description, if any.
 */
description: string | null, 
/**
 * Whether the name is longer than the platform's maximum tag length.
 */
name_too_long_for_tag: boolean, };

/**
 * A profile's health, from the state store's run history (DESIGN.md,
 * "Health"). The app never shows a state it has no evidence for: a profile
 * that never ran is `unknown`.
 */
export type Health = { "state": "unknown", 
/**
 * One line for the UI.
 */
summary: string, } | { "state": "green", 
/**
 * One line for the UI.
 */
summary: string, } | { "state": "yellow", 
/**
 * One line for the UI.
 */
summary: string, } | { "state": "red", 
/**
 * One line for the UI.
 */
summary: string, } | { "state": "invalid", 
/**
 * One line for the UI.
 */
summary: string, 
/**
 * What is wrong and how to fix it.
 */
error: ErrorReport, };

/**
 * A link to documentation.
 */
export type HelpLink = { 
/**
 * The link text.
 */
label: string, 
/**
 * An `https://` URL.
 */
url: string, };

/**
 * Which system a profile integrates.
 */
export type IntegrationKind = "ad" | "ldap" | "entra" | "google" | "okta" | "saml" | "sentinelone" | "bitdefender" | "defender" | "heimdal";

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * The answer of `read_logs`.
 */
export type LogTail = { 
/**
 * The file read, if there is one yet.
 */
file: string | null, 
/**
 * Its newest lines, oldest first.
 */
lines: Array<string>, };

/**
 * One object's result within a run.
 */
export type ObjectResult = { 
/**
 * The object's anchor.
 */
anchor: string, 
/**
 * What was attempted (`create`, `update`, `deactivate`, …).
 */
action: string, 
/**
 * Whether it went through.
 */
outcome: Outcome, 
/**
 * The error, for a failure.
 */
message: string | null, 
/**
 * When (Unix seconds).
 */
at: number, };

/**
 * The payload of [`OPEN_CREDENTIAL`].
 */
export type OpenCredential = { 
/**
 * The profile the credential belongs to.
 */
profile: string, 
/**
 * The credential's item id (the check that sees it).
 */
item: string, };

/**
 * The payload of [`OPEN_RUN`].
 */
export type OpenRun = { 
/**
 * The profile the run belongs to.
 */
profile: string, 
/**
 * The run to show.
 */
run_id: number, };

/**
 * What a newly built page opens on.
 */
export type OpenTarget = { "view": "dashboard" } | { "view": "run" } & OpenRun | { "view": "credential" } & OpenCredential;

/**
 * One node of the tree: the base, an OU, or a container that holds users.
 */
export type OuNode = { 
/**
 * The node's DN.
 */
dn: string, 
/**
 * Its name (the value of its first RDN).
 */
name: string, 
/**
 * `domain`, `ou` or `container`.
 */
kind: string, 
/**
 * Users directly in this node.
 */
direct_users: number, 
/**
 * Users in this node and below.
 */
total_users: number, 
/**
 * Whether the profile excludes it (or an OU above it).
 */
excluded: boolean, 
/**
 * Child nodes, sorted by name.
 */
children: Array<OuNode>, };

/**
 * Whether one object's change went through.
 */
export type Outcome = "ok" | "failed";

/**
 * Everything a run would do.
 */
export type Plan = { 
/**
 * Users to create.
 */
creates: Array<DesiredUser>, 
/**
 * Users to update, with the changed attributes.
 */
updates: Array<UserUpdate>, 
/**
 * Users to deactivate or delete.
 */
deprovisions: Array<Deprovision>, 
/**
 * Users who left the scope but are kept (policy `preserve`), by user name.
 */
preserved: Array<string>, 
/**
 * Groups to create (with their first members).
 */
group_creates: Array<DesiredGroup>, 
/**
 * Membership changes of existing groups.
 */
group_changes: Array<GroupChange>, 
/**
 * Users left out, with the reason.
 */
skipped: Array<SkippedUser>, 
/**
 * Things the admin should know.
 */
notices: Array<string>, };

/**
 * The answer of `list_profiles`.
 */
export type ProfileList = { 
/**
 * The folder the profiles were read from, for the empty state.
 */
dir: string, 
/**
 * One entry per profile file, sorted by name.
 */
profiles: Array<ProfileSummary>, };

/**
 * One row of the profile list.
 */
export type ProfileSummary = { 
/**
 * The file stem.
 */
name: string, 
/**
 * The file.
 */
path: string, 
/**
 * The profile's label; the file stem when the file does not validate.
 */
display_name: string, 
/**
 * The kind's identifier (`ad`, `entra`, …), if the file validates.
 */
kind: string | null, 
/**
 * The kind's product name, if the file validates.
 */
kind_label: string | null, 
/**
 * When it syncs, if the file validates.
 */
schedule: ScheduleInfo | null, 
/**
 * How the profile is doing.
 */
health: Health, 
/**
 * The latest run, if any.
 */
last_run: RunRecord | null, 
/**
 * Unix seconds of the next scheduled run; none when not scheduled.
 */
next_run_at: number | null, 
/**
 * Whether a run of this profile is in progress.
 */
running: boolean, };

/**
 * Fill an empty field from what a check observed.
 */
export type Propose = { 
/**
 * The check whose result carries the value.
 */
check: string, 
/**
 * The evidence key holding it (`default_naming_context`).
 */
evidence: string, };

/**
 * How the snapshot was obtained.
 */
export type ReadKind = { "kind": "full", 
/**
 * Why not a delta.
 */
reason: string, } | { "kind": "delta", 
/**
 * Users changed or added.
 */
changed_users: number, 
/**
 * Groups changed or added.
 */
changed_groups: number, 
/**
 * Objects deleted or out of scope.
 */
removed: number, };

/**
 * What one read saw besides the snapshot.
 *
 * The counts every source has are fields; what only one kind of source
 * counts (AD's ranged groups, an LDAP base DN, a Graph delta link's age)
 * travels in `details`, flattened into the same JSON object.
 */
export type ReadSummary = { 
/**
 * User objects the source returned.
 */
users_read: number, 
/**
 * Group objects the source returned.
 */
groups_read: number, } & ({ [key in string]: number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null });

/**
 * The answer of `recheck_credential`.
 */
export type Recheck = { 
/**
 * The check's results.
 */
results: Array<CheckResult>, 
/**
 * The credential as the check left it; none when it no longer sees one.
 */
credential: ExpiryRow | null, };

/**
 * The answer of `run_detail`.
 */
export type RunDetail = { 
/**
 * The run.
 */
run: RunRecord, 
/**
 * Its per-object results.
 */
results: Array<ObjectResult>, };

/**
 * The id of a run (its row id; increases with every run).
 */
export type RunId = number;

/**
 * Whether a run only previews the plan or applies it.
 */
export type RunMode = "preview" | "apply";

/**
 * One run as the history has it.
 */
export type RunRecord = { 
/**
 * Its id.
 */
id: RunId, 
/**
 * The profile it synced.
 */
profile: string, 
/**
 * Preview or apply.
 */
mode: RunMode, 
/**
 * Where it stands.
 */
state: RunState, 
/**
 * When it began (Unix seconds).
 */
started_at: number, 
/**
 * When it finished (Unix seconds); `None` while running or if
 * interrupted.
 */
finished_at: number | null, 
/**
 * Its counts (zero until finished).
 */
summary: RunSummary, 
/**
 * A message for the admin (why it failed or was held).
 */
message: string | null, };

/**
 * Where a run stands: still running, finished with a [`RunStatus`], or
 * interrupted (its process died before finishing it).
 */
export type RunState = "running" | "ok" | "partial" | "failed" | "held" | "preview" | "interrupted";

/**
 * How a run ended (what [`StateStore::finish_run`] records).
 */
export type RunStatus = "ok" | "partial" | "failed" | "held" | "preview" | "interrupted";

/**
 * What a run did, in counts.
 */
export type RunSummary = { 
/**
 * Users created.
 */
created: number, 
/**
 * Users updated.
 */
updated: number, 
/**
 * Users deactivated or deleted.
 */
deprovisioned: number, 
/**
 * Groups created, changed or deleted.
 */
groups_changed: number, 
/**
 * Objects whose change failed.
 */
failed: number, 
/**
 * Users left out by the profile's rules.
 */
skipped: number, };

/**
 * The answer of `diagnostics_save`.
 */
export type SavedBundle = { 
/**
 * The zip's path.
 */
path: string, 
/**
 * Its size in bytes.
 */
bytes: number, };

/**
 * A profile's schedule.
 */
export type ScheduleInfo = { 
/**
 * Whether scheduled runs happen.
 */
enabled: boolean, 
/**
 * Minutes between runs.
 */
interval_minutes: number, };

/**
 * One choice of a `select` or `email_attribute` field.
 */
export type SelectOption = { 
/**
 * The value written to the profile.
 */
value: string, 
/**
 * What the admin sees.
 */
label: string, };

/**
 * The app's own settings.
 */
export type Settings = { 
/**
 * Start Onramp in the tray at login.
 */
autostart: boolean, };

/**
 * A user the sync leaves out, and why.
 */
export type SkippedUser = { 
/**
 * The anchor.
 */
anchor: string, 
/**
 * The DN, for the admin.
 */
dn: string, 
/**
 * Why.
 */
reason: string, };

/**
 * What a step shows and how the UI moves past it.
 */
export type StepKind = "checklist" | "form" | "preview" | "save";

/**
 * A user the sync will skip, and why.
 */
export type SurveySkippedUser = { 
/**
 * The user's DN.
 */
dn: string, 
/**
 * Why: a missing name or a missing or invalid email.
 */
reason: string, };

/**
 * One progress event of a run.
 */
export type SyncEvent = { "event": "started", 
/**
 * The profile being synced.
 */
profile: string, } | { "event": "progress", 
/**
 * The phase.
 */
phase: SyncPhase, 
/**
 * Steps done.
 */
done: number, 
/**
 * Steps in the phase; 0 while unknown.
 */
total: number, } | { "event": "finished", 
/**
 * The run's id in the history.
 */
run: RunId, 
/**
 * How it ended.
 */
status: RunStatus, };

/**
 * The phases of a run, in order.
 */
export type SyncPhase = "reading" | "planning" | "applying" | "recording";

/**
 * What a run did.
 */
export type SyncReport = { 
/**
 * The run's id in the history.
 */
run: RunId, 
/**
 * How it ended.
 */
status: RunStatus, 
/**
 * Why it failed or was held, when it did.
 */
message: string | null, 
/**
 * What the read saw.
 */
read: ReadSummary | null, 
/**
 * Whether the read was full or a delta, and why.
 */
read_kind: ReadKind | null, 
/**
 * With `[target] kind = "export"`: where the run was written.
 */
export?: ExportSummary, 
/**
 * The plan (what a preview shows; what an apply run did or tried).
 */
plan: Plan, 
/**
 * What the guard counted: each loss of access the plan holds, with its
 * limit ("would remove 12 memberships from VPN Users (held: over the
 * limit of 10)"). Empty when the plan takes nothing away.
 */
guard: Array<string>, 
/**
 * Counts of what was applied.
 */
applied: ApplyCounts, };

/**
 * A release newer than this one.
 */
export type UpdateOffer = { 
/**
 * Its version.
 */
version: string, 
/**
 * The release notes the server sent.
 */
notes: string | null, 
/**
 * When it was published (Unix seconds), if the server said.
 */
published_at: number | null, };

/**
 * Where the update process is.
 */
export type UpdatePhase = "not_checked" | "checking" | "not_configured" | "up_to_date" | "available" | "installing" | "installed" | "failed";

/**
 * What the Settings view and the update banner show.
 */
export type UpdateStatus = { 
/**
 * This build's version.
 */
current_version: string, 
/**
 * Where things are.
 */
phase: UpdatePhase, 
/**
 * The release offered, while there is one (also while installing and
 * after a failed install, which can be tried again).
 */
offer: UpdateOffer | null, 
/**
 * The server's newest version when it is not newer than this one (an
 * older one is a downgrade, never offered).
 */
newest: string | null, 
/**
 * When the last check ended (Unix seconds).
 */
checked_at: number | null, 
/**
 * Why the last check or install failed.
 */
error: ErrorReport | null, 
/**
 * Whether the app checks on start and daily.
 */
automatic: boolean, };

/**
 * An update of an existing platform user.
 */
export type UserUpdate = { 
/**
 * The user's anchor.
 */
anchor: string, 
/**
 * The platform's id, when known.
 */
target_id: string | null, 
/**
 * What changes.
 */
changes: Array<Change>, 
/**
 * The user as it will be.
 */
desired: DesiredUser, 
/**
 * The user as Onramp last wrote it (to tell the platform's own edits apart).
 */
applied: DesiredUser, };

/**
 * One setup wizard (`wizards/<id>.toml`): the steps that produce a profile
 * of `kind`.
 */
export type Wizard = { 
/**
 * The wizard's id, also its file stem (`ad` for `wizards/ad.toml`).
 */
id: string, 
/**
 * The kind of profile the wizard produces.
 */
kind: IntegrationKind, 
/**
 * Shown in the wizard list; also the profile's default display name.
 */
title: string, 
/**
 * One paragraph on what the wizard sets up.
 */
summary: string, 
/**
 * The steps, in the order the admin goes through them.
 */
steps: Array<WizardStep>, };

/**
 * One input of a form or save step.
 */
export type WizardField = { 
/**
 * The dotted profile key (`connection.url`), or `profile.name` for the file name.
 */
key: string, 
/**
 * How the field is rendered and what it accepts.
 */
type: FieldType, 
/**
 * The field's label.
 */
label: string, 
/**
 * Explanation under the field.
 */
help?: string, 
/**
 * Example text shown in an empty field.
 */
placeholder?: string, 
/**
 * Whether the draft is incomplete without a value.
 */
required: boolean, 
/**
 * The initial value; used when the draft has none.
 */
default?: DraftValue, 
/**
 * `select` and `email_attribute`: the choices.
 */
options: Array<SelectOption>, 
/**
 * `number`: the smallest accepted value.
 */
min?: number, 
/**
 * `number`: the largest accepted value.
 */
max?: number, 
/**
 * Fill the field from a check's evidence when it is empty.
 */
propose?: Propose, };

/**
 * One step of a wizard.
 */
export type WizardStep = { 
/**
 * Unique within the wizard.
 */
id: string, 
/**
 * What the step does.
 */
kind: StepKind, 
/**
 * The step's heading.
 */
title: string, 
/**
 * Paragraphs of explanation above the step's content.
 */
intro: string, 
/**
 * `checklist` steps: what the admin ticks.
 */
items: Array<ChecklistItem>, 
/**
 * `form` and `save` steps: the fields.
 */
fields: Array<WizardField>, 
/**
 * Check ids run after the step's fields validate (see `wizard::CHECK_IDS`).
 */
checks: Array<string>, 
/**
 * Links to documentation.
 */
links: Array<HelpLink>, };

/**
 * One entry of `list_wizards`.
 */
export type WizardSummary = { 
/**
 * The wizard's id (its file stem).
 */
id: string, 
/**
 * The profile kind it produces.
 */
kind: string, 
/**
 * Its title.
 */
title: string, 
/**
 * One paragraph on what it sets up.
 */
summary: string, };
