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
  const held = p.last_run !== null && p.last_run.state === 'held' ? p.last_run : null;
  return (
    <article class="profile-card" aria-labelledby={headingId} data-profile={p.name} data-health={p.health.state}>
      <div class="card-head">
        <div>
          <h3 id={headingId} class="display-name">
            {p.display_name}
          </h3>
          <span class="file-name">{p.name}</span>
          <span class="kind-label">{p.kind_label ?? 'Unknown integration'}</span>
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
            {p.last_run === null ? (
              'Never run'
            ) : (
              <>
                <button type="button" class="link" onClick={() => onOpenRun(p.last_run!.id)}>
                  {runStateLabel(p.last_run.state)}
                </button>{' '}
                {relativeTime(p.last_run.finished_at ?? p.last_run.started_at, now)} · {formatCounts(p.last_run.summary)}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Next sync</dt>
          <dd class="next-run">{p.next_run_at === null ? 'Not scheduled' : relativeTime(p.next_run_at, now)}</dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>{formatSchedule(p.schedule)}</dd>
        </div>
      </dl>
      <div class="card-actions">
        <SyncControl profile={p.name} label={p.display_name} running={p.running} state={sync} onSync={onSync} />
        <button type="button" class="secondary" onClick={onHistory} aria-label={`History of ${p.display_name}`}>
          History
        </button>
        {held !== null && <ApproveControl run={held} onApproved={onApproved} />}
      </div>
    </article>
  );
}
