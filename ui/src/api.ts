// The only module that talks to the Rust side. Every command rejects with an
// ErrorReport; anything else (no Tauri runtime, a bug) is turned into one so
// the UI has a single error shape to render.
import { invoke } from '@tauri-apps/api/core';
import type { ErrorReport, ProfileList } from './types';

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

/** Lists the profiles and their health. Rejects with an ErrorReport. */
export async function listProfiles(): Promise<ProfileList> {
  try {
    return await invoke<ProfileList>('list_profiles');
  } catch (error) {
    throw toErrorReport(error);
  }
}
