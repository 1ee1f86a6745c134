// Data the fake backend answers with. Every value comes from fixtures.json,
// which src-tauri/src/ipc/fixtures.rs writes from the real Rust types (and
// CI checks is current), so the shapes are the ones the shell sends. The
// helpers copy a value and change what the tests vary (ids, names, counts,
// states); they never add or drop a field.
import { readFileSync } from 'node:fs';

const FIXTURES = JSON.parse(readFileSync(new URL('./fixtures.json', import.meta.url), 'utf8'));

/** A deep copy, so a test that edits a fixture edits only its own. */
const copy = (value) => structuredClone(value);

/** Copies `base` with `changes` applied, refusing a key `base` does not have. */
function vary(base, changes, what) {
  for (const key of Object.keys(changes)) {
    if (!(key in base)) throw new Error(`fixtures: ${what} has no field ${key}`);
  }
  return { ...copy(base), ...changes };
}

/** The shipped wizards, as get_wizard sends them. */
export const BUILTIN_WIZARDS = FIXTURES.builtin_wizards;

/** ui/tests/test-wizard.toml: every field type and every step kind, shaped like the AD one. */
export const WIZARD = FIXTURES.test_wizard;

/** What list_wizards answers. */
export const WIZARDS = FIXTURES.wizard_list;

export const BASE_DN = FIXTURES.base_dn;

/** Check results by id; `ldap.rootdse` carries its evidence, a failing `ldap.signing` its remediation. */
export function checkResult(id, status = 'pass') {
  if (id === 'ldap.rootdse') return vary(FIXTURES.check_rootdse, { status }, 'CheckResult');
  if (id === 'ldap.signing' && status === 'fail') return copy(FIXTURES.check_signing_fail);
  return vary(FIXTURES.check_pass, { id, status, summary: `${id} ${status}` }, 'CheckResult');
}

export const OUS = FIXTURES.ous;

export const GROUPS = FIXTURES.groups;

/** The e-mail survey for `attribute`. */
export function emailReport(attribute) {
  const report = copy(FIXTURES.email_report);
  report.attribute = attribute;
  report.eligible = attribute === 'mail' ? 39 : 40;
  report.skipped = report.skipped.map((s) => ({ ...s, reason: `no ${attribute}` }));
  return report;
}

export const PLAN = FIXTURES.plan;

/** What preview_draft answers: a preview of PLAN. */
export const PREVIEW = FIXTURES.preview;

/** A run summary with `counts` set. */
export const summary = (counts = {}) => vary(FIXTURES.run.summary, counts, 'RunSummary');

/** A run of `profile` in `state`, finished a few minutes ago. */
export function run(id, profile, state, changes = {}) {
  const now = Math.floor(Date.now() / 1000);
  return vary(FIXTURES.run, { id, profile, state, started_at: now - 600, finished_at: now - 540, ...changes }, 'RunRecord');
}

/** A profile row named `name` with `health`. */
export function profile(name, health, changes = {}) {
  return vary(
    FIXTURES.profile,
    { name, path: `/profiles/${name}.toml`, display_name: `${name} display`, health, ...changes },
    'ProfileSummary',
  );
}

/** What expiry_list answers: a certificate ending in six days, one in ninety. */
export const EXPIRY = FIXTURES.expiry;

/** One row of EXPIRY with `changes`. */
export function expiryRow(index, changes = {}) {
  return vary(FIXTURES.expiry.items[index], changes, 'ExpiryRow');
}

/** What diagnostics_preview answers: three files, two with something removed. */
export const BUNDLE_PREVIEW = FIXTURES.bundle_preview;

/** What update_status answers before any check. */
export const UPDATE_NOT_CHECKED = FIXTURES.update_not_checked;

/** An update status: 0.2.0 offered, with `changes` applied. */
export function updateStatus(changes = {}) {
  return vary(FIXTURES.update_available, changes, 'UpdateStatus');
}
