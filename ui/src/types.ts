// The shapes that cross the IPC boundary: the contract between the Rust shell
// (src-tauri/src/commands/*, src-tauri/src/dto.rs) and this front end.
//
// Two conventions, on purpose:
// * the shell's own DTOs (ProfileSummary, Wizard, SyncEvent, …) are camelCase;
// * engine types passed through unchanged (CheckResult, the sync Plan,
//   RunRecord, OuNode, …) keep the engine's snake_case field names, so the
//   shell stays a thin pass-through and the CLI's --json output reads the same.
// Change both sides together; `ErrorCode` is checked against the Rust enum by
// a test (crates/onramp-core/src/error.rs).

/** Stable error categories (`onramp_core::ErrorCode`); add, never rename. */
export type ErrorCode =
  | 'invalid_input'
  | 'profile_not_found'
  | 'profile_invalid'
  | 'profile_exists'
  | 'secret_not_found'
  | 'secret_store'
  | 'io'
  | 'not_supported'
  | 'already_running'
  | 'internal';

/** An engine error at the boundary. `remediation` is omitted when empty. */
export interface ErrorReport {
  code: ErrorCode;
  message: string;
  remediation?: string[];
}

// ---------------------------------------------------------------- profiles

/** A profile's health (DESIGN.md "Health"). */
export type Health =
  | { state: 'unknown'; summary: string }
  | { state: 'green'; summary: string }
  | { state: 'yellow'; summary: string }
  | { state: 'red'; summary: string }
  | { state: 'invalid'; summary: string; error: ErrorReport };

/** When a profile syncs. */
export interface ScheduleInfo {
  enabled: boolean;
  intervalMinutes: number;
}

/** One row of the profile list / dashboard. Fields the file could not provide are null. */
export interface ProfileSummary {
  name: string;
  path: string;
  displayName: string;
  kind: string | null;
  kindLabel: string | null;
  schedule: ScheduleInfo | null;
  health: Health;
  /** The latest finished or running run, if any. */
  lastRun: RunRecord | null;
  /** Unix seconds of the next scheduled run; null when not scheduled. */
  nextRunAt: number | null;
  /** Whether a run of this profile is in progress right now. */
  running: boolean;
}

/** The answer of the `list_profiles` command. */
export interface ProfileList {
  dir: string;
  profiles: ProfileSummary[];
}

// ---------------------------------------------------------------- wizards

/** One entry of `list_wizards`. */
export interface WizardSummary {
  id: string;
  /** The profile kind the wizard produces (`ad`, `ldap`, …). */
  kind: string;
  title: string;
  summary: string;
}

export type StepKind = 'checklist' | 'form' | 'preview' | 'save';

export type FieldType =
  | 'text'
  | 'url'
  | 'dn'
  | 'secret'
  | 'number'
  | 'toggle'
  | 'select'
  | 'list'
  | 'email_attribute'
  | 'ou_tree'
  | 'group_picker';

/** A wizard as `get_wizard` returns it (wizards/<id>.toml, camelCased). */
export interface Wizard {
  id: string;
  kind: string;
  title: string;
  summary: string;
  steps: WizardStep[];
}

export interface WizardStep {
  id: string;
  kind: StepKind;
  title: string;
  /** Paragraphs of explanation shown above the step's content. */
  intro: string;
  /** `checklist` steps: what the admin ticks (every item before Next). */
  items: ChecklistItem[];
  /** `form` and `save` steps: the fields. */
  fields: WizardField[];
  /** Check ids run by this step (after its fields validate). */
  checks: string[];
  /** Links to documentation. */
  links: HelpLink[];
}

export interface ChecklistItem {
  id: string;
  label: string;
  help?: string;
}

export interface HelpLink {
  label: string;
  url: string;
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface WizardField {
  /** The dotted profile key (`connection.url`), or `profile.name` for the file name. */
  key: string;
  type: FieldType;
  label: string;
  help?: string;
  placeholder?: string;
  required: boolean;
  /** The initial value (string, number, boolean or string[] by type). */
  default?: DraftValue;
  /** `select` and `email_attribute`. */
  options: SelectOption[];
  /** `number`. */
  min?: number;
  max?: number;
  /** Fill the field from a check's evidence when it is empty. */
  propose?: { check: string; evidence: string };
}

/** A field's value in the draft. Secret fields never have one (see `stage_secret`). */
export type DraftValue = string | number | boolean | string[];

/** What the wizard has collected so far, keyed by field key. */
export type DraftValues = Record<string, DraftValue>;

/** One field's problem, from `validate_draft`. */
export interface FieldError {
  /** A field key, or '' when the problem is not tied to one field. */
  key: string;
  message: string;
}

/** The answer of `validate_draft`. */
export interface DraftValidation {
  errors: FieldError[];
  /** The profile file name the draft will be saved as. */
  profileName: string;
}

// ---------------------------------------------------------------- checks

export type CheckStatus = 'pass' | 'skipped' | 'warn' | 'fail';

export interface Evidence {
  key: string;
  value: string;
}

/** `onramp_core::check::CheckResult` (snake_case). */
export interface CheckResult {
  id: string;
  status: CheckStatus;
  summary: string;
  details?: string;
  remediation?: string[];
  evidence?: Evidence[];
}

// ---------------------------------------------------------------- discovery

export interface OuNode {
  dn: string;
  name: string;
  kind: string;
  direct_users: number;
  total_users: number;
  excluded: boolean;
  children: OuNode[];
}

export interface GroupInfo {
  dn: string;
  name: string;
  member_count: number;
  description: string | null;
  name_too_long_for_tag: boolean;
}

export interface SkippedUser {
  anchor: string;
  dn: string;
  reason: string;
}

export interface EmailReport {
  attribute: string;
  users: number;
  mail_only: number;
  upn_only: number;
  both_same: number;
  both_different: number;
  neither: number;
  eligible: number;
  skipped: SkippedUser[];
}

export type Discovery =
  | { what: 'ous'; ous: OuNode[] }
  | { what: 'groups'; groups: GroupInfo[] }
  | { what: 'email'; email: EmailReport };

// ---------------------------------------------------------------- sync

export type RunStatus = 'ok' | 'partial' | 'failed' | 'held' | 'preview';
export type RunState = 'running' | 'ok' | 'partial' | 'failed' | 'held' | 'preview' | 'interrupted';

export interface RunSummary {
  created: number;
  updated: number;
  deprovisioned: number;
  groups_changed: number;
  failed: number;
  skipped: number;
}

/** `onramp_core::sync::store::RunRecord`. */
export interface RunRecord {
  id: number;
  profile: string;
  mode: 'preview' | 'apply';
  state: RunState;
  started_at: number;
  finished_at: number | null;
  summary: RunSummary;
  message: string | null;
}

/** One object's result within a run. */
export interface ObjectResult {
  anchor: string;
  action: string;
  outcome: 'ok' | 'failed';
  message: string | null;
  at: number;
}

/** The answer of `run_detail`. */
export interface RunDetail {
  run: RunRecord;
  results: ObjectResult[];
}

export interface DesiredUser {
  anchor: string;
  user_name: string;
  email: string;
  given_name: string | null;
  family_name: string | null;
  display_name: string | null;
  phone: string | null;
  department: string | null;
  active: boolean;
  admin: boolean;
  tags: string[];
}

export interface Change {
  attribute: string;
  from: string;
  to: string;
}

export interface UserUpdate {
  anchor: string;
  target_id: string | null;
  changes: Change[];
  desired: DesiredUser;
}

export interface Deprovision {
  anchor: string;
  target_id: string | null;
  user_name: string;
  action: 'deactivate' | 'delete';
}

export interface DesiredGroup {
  anchor: string;
  display_name: string;
  members: string[];
}

export interface GroupChange {
  anchor: string;
  target_id: string | null;
  display_name: string;
  add: string[];
  remove: string[];
}

/** `onramp_core::sync::plan::Plan`. */
export interface Plan {
  creates: DesiredUser[];
  updates: UserUpdate[];
  deprovisions: Deprovision[];
  preserved: string[];
  group_creates: DesiredGroup[];
  group_changes: GroupChange[];
  skipped: SkippedUser[];
  notices: string[];
}

/** `onramp_core::sync::run::SyncReport` (the fields the UI uses). */
export interface SyncReport {
  run: number;
  status: RunStatus;
  message: string | null;
  plan: Plan;
}

/** What `sync_now` streams through its channel while a run goes on. */
export type SyncEvent =
  | { event: 'started'; profile: string }
  | { event: 'progress'; phase: 'reading' | 'planning' | 'applying' | 'recording'; done: number; total: number }
  | { event: 'finished'; run: number; status: RunStatus };

// ---------------------------------------------------------------- settings, logs

export interface Settings {
  /** Start Onramp (in the tray) when the user logs in. */
  autostart: boolean;
}

/** The answer of `read_logs`: the newest lines of today's log file. */
export interface LogTail {
  file: string | null;
  lines: string[];
}

/** Payload of the `onramp://open-run` event (notification or tray click). */
export interface OpenRun {
  profile: string;
  runId: number;
}
