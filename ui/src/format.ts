// Small display helpers, kept apart from the components so they stay pure.
import type { ScheduleInfo } from './types';

/** "Every 15 minutes", "Every hour", "Manual only". */
export function formatSchedule(schedule: ScheduleInfo | null): string {
  if (schedule === null) return '—';
  if (!schedule.enabled) return 'Manual only';
  const m = schedule.intervalMinutes;
  if (m === 1) return 'Every minute';
  if (m % 60 === 0) {
    const h = m / 60;
    return h === 1 ? 'Every hour' : `Every ${h} hours`;
  }
  return `Every ${m} minutes`;
}
