// The shapes that cross the IPC boundary. They mirror the Rust types
// field for field: `onramp_core::ErrorReport` and the DTOs in
// src-tauri/src/dto.rs. Change both sides together.

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
  | 'internal';

/** An engine error at the boundary. `remediation` is omitted when empty. */
export interface ErrorReport {
  code: ErrorCode;
  message: string;
  remediation?: string[];
}

/**
 * A profile's health. Only `unknown` and `invalid` exist until the sync
 * engine records runs; `green`, `yellow` and `red` will join this union then.
 */
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

/** One row of the profile list. Fields the file could not provide are null. */
export interface ProfileSummary {
  name: string;
  path: string;
  displayName: string;
  kind: string | null;
  kindLabel: string | null;
  schedule: ScheduleInfo | null;
  health: Health;
}

/** The answer of the `list_profiles` command. */
export interface ProfileList {
  dir: string;
  profiles: ProfileSummary[];
}
