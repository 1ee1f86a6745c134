// Small display helpers, kept apart from the components so they stay pure.
// Anything that depends on the time takes `now` (Unix seconds) as an argument.
import type { RunRecord, RunState, RunSummary, ScheduleInfo } from './types';

/** "Every 15 minutes", "Every hour", "Manual only". */
export function formatSchedule(schedule: ScheduleInfo | null): string {
  if (schedule === null) return '—';
  if (!schedule.enabled) return 'Manual only';
  const m = schedule.interval_minutes;
  if (m === 1) return 'Every minute';
  if (m % 60 === 0) {
    const h = m / 60;
    return h === 1 ? 'Every hour' : `Every ${h} hours`;
  }
  return `Every ${m} minutes`;
}

/** "1 user", "3 users". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const UNITS: Array<[number, string]> = [
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** A span of seconds in the largest whole unit: "3 minutes", "2 days". */
function span(seconds: number): string {
  for (const [size, unit] of UNITS) {
    if (seconds >= size) return plural(Math.floor(seconds / size), unit);
  }
  return plural(seconds, 'second');
}

/** "in 5 minutes", "3 hours ago", "just now" relative to `now` (both Unix seconds). */
export function relativeTime(at: number, now: number): string {
  const delta = Math.round(at - now);
  if (Math.abs(delta) < 5) return 'just now';
  return delta > 0 ? `in ${span(delta)}` : `${span(-delta)} ago`;
}

/** A timestamp in the viewer's locale, e.g. "22/11/2026, 14:05:09". */
export function formatTimestamp(at: number): string {
  return new Date(at * 1000).toLocaleString();
}

/** "42 s", "3 min 5 s", "1 h 2 min"; "running" while unfinished. */
export function formatDuration(run: Pick<RunRecord, 'started_at' | 'finished_at'>): string {
  if (run.finished_at === null) return 'running';
  const s = Math.max(0, Math.round(run.finished_at - run.started_at));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The non-zero counts of a run: "2 created, 1 failed"; "no changes" when all are zero. */
export function formatCounts(summary: RunSummary): string {
  const parts: Array<[number, string]> = [
    [summary.created, 'created'],
    [summary.updated, 'updated'],
    [summary.deprovisioned, 'deprovisioned'],
    [summary.groups_changed, 'groups changed'],
    [summary.failed, 'failed'],
    [summary.skipped, 'skipped'],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, label]) => `${n} ${label}`);
  return shown.length === 0 ? 'no changes' : shown.join(', ');
}

const RUN_STATES: Record<RunState, string> = {
  running: 'Running',
  ok: 'Succeeded',
  partial: 'Partly failed',
  failed: 'Failed',
  held: 'Held for approval',
  preview: 'Preview',
  interrupted: 'Interrupted',
};

/** A run state in words. */
export function runStateLabel(state: RunState): string {
  return RUN_STATES[state];
}

/** "Reading", "Applying", … from a progress phase. */
export function capitalise(word: string): string {
  return word.length === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1);
}
