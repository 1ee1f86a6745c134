// One profile on the dashboard: name, integration, health in words, the last
// and the next run, and its actions (Sync Now, History, Approve).
import { formatCounts, formatSchedule, relativeTime, runStateLabel } from '../format';
import type { SyncState } from '../hooks/useSyncRuns';
import type { ProfileSummary } from '../types';
import { ApproveControl } from './ApproveControl';
import { ErrorBody } from './ErrorPanel';
import { HealthBadge } from './HealthBadge';
import { SyncControl } from './SyncControl';

interface Props {
  profile: ProfileSummary;
  now: number;
  sync: SyncState | undefined;
  onSync: () => void;
  onHistory: () => void;
  onOpenRun: (runId: number) => void;
  onApproved: () => void;
}

/** A dashboard card. */
export function ProfileCard({ profile: p, now, sync, onSync, onHistory, onOpenRun, onApproved }: Props) {
  const headingId = `profile-${p.name}-heading`;
  const held = p.lastRun !== null && p.lastRun.state === 'held' ? p.lastRun : null;
  return (
    <article class="profile-card" aria-labelledby={headingId} data-profile={p.name} data-health={p.health.state}>
      <div class="card-head">
        <div>
          <h3 id={headingId} class="display-name">
            {p.displayName}
          </h3>
          <span class="file-name">{p.name}</span>
          <span class="kind-label">{p.kindLabel ?? 'Unknown integration'}</span>
        </div>
        <HealthBadge health={p.health} />
      </div>
      {p.health.state === 'invalid' && (
        <details class="invalid-details">
          <summary>Why this profile is invalid</summary>
          <ErrorBody error={p.health.error} />
        </details>
      )}
      <dl class="facts">
        <div>
          <dt>Last run</dt>
          <dd class="last-run">
            {p.lastRun === null ? (
              'Never run'
            ) : (
              <>
                <button type="button" class="link" onClick={() => onOpenRun(p.lastRun!.id)}>
                  {runStateLabel(p.lastRun.state)}
                </button>{' '}
                {relativeTime(p.lastRun.finished_at ?? p.lastRun.started_at, now)} · {formatCounts(p.lastRun.summary)}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Next sync</dt>
          <dd class="next-run">{p.nextRunAt === null ? 'Not scheduled' : relativeTime(p.nextRunAt, now)}</dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>{formatSchedule(p.schedule)}</dd>
        </div>
      </dl>
      <div class="card-actions">
        <SyncControl profile={p.name} label={p.displayName} running={p.running} state={sync} onSync={onSync} />
        <button type="button" class="secondary" onClick={onHistory} aria-label={`History of ${p.displayName}`}>
          History
        </button>
        {held !== null && <ApproveControl run={held} onApproved={onApproved} />}
      </div>
    </article>
  );
}
