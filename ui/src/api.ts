// The only module that talks to the Rust side: one typed function per command
// of docs/desktop-ipc.md, and the shell's events. Every command rejects
// with an ErrorReport; anything else (no Tauri runtime, a bug) is turned into
// one so the UI has a single error shape to render.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  BundlePreview,
  CheckResult,
  Discovery,
  DraftValidation,
  DraftValues,
  ErrorReport,
  ExpiryList,
  LogTail,
  OpenCredential,
  OpenRun,
  OpenTarget,
  ProfileList,
  ProfileSummary,
  Recheck,
  RunDetail,
  RunRecord,
  SavedBundle,
  Settings,
  SyncEvent,
  SyncReport,
  UpdateStatus,
  Wizard,
  WizardSummary,
} from './types';

function isErrorReport(value: unknown): value is ErrorReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Normalises whatever a failed `invoke` threw into an ErrorReport. */
export function toErrorReport(error: unknown): ErrorReport {
  if (isErrorReport(error)) return error;
  if (!('__TAURI_INTERNALS__' in window)) {
    return {
      code: 'internal',
      message: 'This page is running outside the Onramp desktop app, so the engine is not reachable.',
      remediation: ['Start the app with: scripts/run-app.sh'],
    };
  }
  return { code: 'internal', message: `Unexpected error: ${String(error)}` };
}

/** Calls one command; rejects with an ErrorReport whatever went wrong. */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (error) {
    throw toErrorReport(error);
  }
}

/** Lists the profiles and their health. */
export function listProfiles(): Promise<ProfileList> {
  return call('list_profiles');
}

/** The wizards built into the app. */
export function listWizards(): Promise<WizardSummary[]> {
  return call('list_wizards');
}

/** One wizard's definition. */
export function getWizard(id: string): Promise<Wizard> {
  return call('get_wizard', { id });
}

/** Validates the whole draft; errors are keyed by field. */
export function validateDraft(wizard: string, values: DraftValues): Promise<DraftValidation> {
  return call('validate_draft', { wizard, values });
}

/** Hands a secret field's value to the app, once; it is never sent back. */
export function stageSecret(wizard: string, key: string, value: string): Promise<null> {
  return call('stage_secret', { wizard, key, value });
}

/** Runs checks against the draft; results come in the order of `ids`. */
export function runChecks(wizard: string, values: DraftValues, ids: string[]): Promise<CheckResult[]> {
  return call('run_checks', { wizard, values, ids });
}

/** What the discovery fields show: OUs, groups or the e-mail attribute counts. */
export type DiscoveryKind = Discovery['what'];

/** Reads OUs, groups or e-mail statistics from the draft's directory. */
export function discover(wizard: string, values: DraftValues, what: DiscoveryKind): Promise<Discovery> {
  return call('discover', { wizard, values, what });
}

/** What the draft would change; nothing is changed on the platform. */
export function previewDraft(wizard: string, values: DraftValues): Promise<SyncReport> {
  return call('preview_draft', { wizard, values });
}

/** Writes the profile and its staged secrets. Rejects with `profile_exists` unless `overwrite`. */
export function saveProfile(wizard: string, values: DraftValues, overwrite: boolean): Promise<ProfileSummary> {
  return call('save_profile', { wizard, values, overwrite });
}

/** Runs a profile now, streaming its progress to `onEvent`. Rejects with `already_running`. */
export function syncNow(profile: string, onEvent: (event: SyncEvent) => void): Promise<SyncReport> {
  const channel = new Channel<SyncEvent>();
  channel.onmessage = onEvent;
  return call('sync_now', { profile, on_event: channel });
}

/** Releases a held plan; the next run applies it. */
export function approveRun(runId: number): Promise<null> {
  return call('approve_run', { run_id: runId });
}

/** A profile's runs, newest first. */
export function runHistory(profile: string, limit: number): Promise<RunRecord[]> {
  return call('run_history', { profile, limit });
}

/** One run and its per-object results. */
export function runDetail(runId: number): Promise<RunDetail> {
  return call('run_detail', { run_id: runId });
}

/** Every expiring credential the checks have seen, soonest first. */
export function expiryList(): Promise<ExpiryList> {
  return call('expiry_list');
}

/** Runs the check that sees a credential now and records what it found. */
export function recheckCredential(profile: string, item: string): Promise<Recheck> {
  return call('recheck_credential', { profile, item });
}

/** Collects and redacts a diagnostic bundle and lists what it will hold. */
export function diagnosticsPreview(): Promise<BundlePreview> {
  return call('diagnostics_preview');
}

/** Saves the bundle of that preview. */
export function diagnosticsSave(id: number): Promise<SavedBundle> {
  return call('diagnostics_save', { id });
}

/** What a newly opened window should show (a clicked notification, the tray's Open), once. */
export function takeOpenRequest(): Promise<OpenTarget | null> {
  return call('take_open_request');
}

/** While `keep`, closing the window only hides it, so an open setup survives. */
export function keepWindow(keep: boolean): Promise<null> {
  return call('keep_window', { keep });
}

/** The newest lines of today's log file. */
export function readLogs(lines: number): Promise<LogTail> {
  return call('read_logs', { lines });
}

/** The app's settings. */
export function getSettings(): Promise<Settings> {
  return call('get_settings');
}

/** Starts Onramp at login, or stops doing so. */
export function setAutostart(enabled: boolean): Promise<Settings> {
  return call('set_autostart', { enabled });
}

/** Where the update process is (Settings, the update banner). */
export function updateStatus(): Promise<UpdateStatus> {
  return call('update_status');
}

/** Asks the update server now. */
export function updateCheck(): Promise<UpdateStatus> {
  return call('update_check');
}

/** Downloads, verifies and installs the offered release (refused while a sync runs). */
export function updateInstall(): Promise<UpdateStatus> {
  return call('update_install');
}

/** Restarts Onramp into the installed release. */
export function updateRestart(): Promise<null> {
  return call('update_restart');
}

/** What the window does when the shell emits one of its events. */
export interface ShellEventHandlers {
  healthChanged: () => void;
  openRun: (target: OpenRun) => void;
  openCredential: (target: OpenCredential) => void;
  openDashboard: () => void;
  updateChanged: (status: UpdateStatus) => void;
}

/**
 * Subscribes to the shell's events. Resolves with a function that removes
 * every listener. Outside the desktop app there are no events: it resolves
 * with a no-op.
 */
export async function listenToShell(handlers: ShellEventHandlers): Promise<UnlistenFn> {
  if (!('__TAURI_INTERNALS__' in window)) return () => undefined;
  const unlisten = await Promise.all([
    listen<null>('onramp://health-changed', () => handlers.healthChanged()),
    listen<OpenRun>('onramp://open-run', (event) => handlers.openRun(event.payload)),
    listen<OpenCredential>('onramp://open-credential', (event) => handlers.openCredential(event.payload)),
    listen<null>('onramp://open-dashboard', () => handlers.openDashboard()),
    listen<UpdateStatus>('onramp://update-changed', (event) => handlers.updateChanged(event.payload)),
  ]);
  return () => unlisten.forEach((stop) => stop());
}
