// The manual runs started from this window ("Sync Now"), by profile. Kept in
// App rather than in a dashboard row so a run's progress survives a visit to
// another view.
import { useCallback, useState } from 'preact/hooks';
import { syncNow, toErrorReport } from '../api';
import type { ErrorReport, RunStatus, SyncEvent } from '../types';

/** The progress a run last reported. */
export type SyncProgress = Extract<SyncEvent, { event: 'progress' }>;

/** Where one manual run is. */
export type SyncState =
  | { phase: 'starting' }
  | { phase: 'running'; progress: SyncProgress | null }
  | { phase: 'finished'; run: number; status: RunStatus; message: string | null }
  | { phase: 'error'; error: ErrorReport };

/** The runs by profile name, and the function that starts one. */
export interface SyncRuns {
  runs: Record<string, SyncState>;
  start: (profile: string) => void;
}

/** Whether the state is a run still going on. */
export function isActive(state: SyncState | undefined): boolean {
  return state?.phase === 'starting' || state?.phase === 'running';
}

/** Tracks manual runs; `onSettled` is called after each one ends (to reload the dashboard). */
export function useSyncRuns(onSettled: () => void): SyncRuns {
  const [runs, setRuns] = useState<Record<string, SyncState>>({});

  const start = useCallback(
    (profile: string) => {
      const set = (state: SyncState) => setRuns((prev) => ({ ...prev, [profile]: state }));
      const onEvent = (event: SyncEvent) => {
        if (event.event === 'started') set({ phase: 'running', progress: null });
        else if (event.event === 'progress') set({ phase: 'running', progress: event });
        else set({ phase: 'finished', run: event.run, status: event.status, message: null });
      };
      set({ phase: 'starting' });
      syncNow(profile, onEvent).then(
        (report) => {
          set({ phase: 'finished', run: report.run, status: report.status, message: report.message });
          onSettled();
        },
        (error: unknown) => {
          set({ phase: 'error', error: toErrorReport(error) });
          onSettled();
        },
      );
    },
    [onSettled],
  );

  return { runs, start };
}
