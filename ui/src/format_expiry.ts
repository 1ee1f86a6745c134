// How an expiring credential's end reads: "in 6 days", "today", "expired 2 days ago".
import type { ExpiryRow } from './types';
import { plural } from './format';

/** The end relative to the list's time, in the words the admin reads. */
export function expiresIn(row: ExpiryRow): string {
  if (row.days_left === null) return 'end unknown';
  if (row.state === 'expired') {
    const ago = -row.days_left - 1;
    return ago <= 0 ? 'expired today' : `expired ${plural(ago, 'day')} ago`;
  }
  if (row.days_left === 0) return 'ends within a day';
  return `ends in ${plural(row.days_left, 'day')}`;
}

/** The end as a date and time in the admin's locale. */
export function endDate(row: ExpiryRow): string {
  return row.not_after_unix === null ? 'unknown' : new Date(row.not_after_unix * 1000).toLocaleString();
}

/** Where the date came from, for people. */
export function dateSourceLabel(row: ExpiryRow): string {
  switch (row.date_source) {
    case 'certificate':
      return 'the certificate';
    case 'api':
      return "the service's API";
    case 'admin':
      return 'entered by you';
    case 'last_use':
      return 'its last use';
  }
}
