// The dashboard: one card per profile with its health, last and next run and
// the actions on it. Reloads when the shell says health changed.
import { useEffect } from 'preact/hooks';
import { listProfiles } from '../api';
import { EmptyState } from '../components/EmptyState';
import { ExpiringSoon } from '../components/ExpiringSoon';
import { ErrorPanel } from '../components/ErrorPanel';
import { ProfileCard } from '../components/ProfileCard';
import { useLoad } from '../hooks/useLoad';
import type { SyncRuns } from '../hooks/useSyncRuns';
import type { Navigate } from '../routes';

interface Props {
  /** Changes whenever the profiles must be read again. */
  reloadToken: number;
  now: number;
  syncs: SyncRuns;
  navigate: Navigate;
  /** Opens a setup wizard (the empty state's shortcut into the AD wizard). */
  onStart: (wizardId: string) => void;
}

/** The dashboard view. */
export function Dashboard({ reloadToken, now, syncs, navigate, onStart }: Props) {
  const [load, reload] = useLoad(listProfiles, []);
  useEffect(() => {
    if (reloadToken > 0) reload();
  }, [reloadToken, reload]);

  const busy = load.status === 'loading' || (load.status === 'ready' && load.refreshing);
  return (
    <section aria-labelledby="dashboard-heading" aria-busy={busy}>
      <div class="section-head">
        <h2 id="dashboard-heading" tabIndex={-1}>
          Integrations
        </h2>
        <div class="actions">
          <button type="button" class="secondary" onClick={reload} disabled={busy}>
            Refresh
          </button>
          <button type="button" onClick={() => navigate({ view: 'new' })}>
            New integration
          </button>
        </div>
      </div>
      {load.status === 'loading' && <p role="status">Loading profiles…</p>}
      {load.status === 'error' && <ErrorPanel title="The profiles could not be listed" error={load.error} />}
      {load.status === 'ready' &&
        (load.data.profiles.length === 0 ? (
          <EmptyState dir={load.data.dir} onNew={() => navigate({ view: 'new' })} onStartAd={() => onStart('ad')} />
        ) : (
          <ul class="profile-cards">
            {load.data.profiles.map((p) => (
              <li key={p.path}>
                <ProfileCard
                  profile={p}
                  now={now}
                  sync={syncs.runs[p.name]}
                  onSync={() => syncs.start(p.name)}
                  onHistory={() => navigate({ view: 'history', profile: p.name })}
                  onOpenRun={(runId) => navigate({ view: 'run', runId, profile: p.name })}
                  onApproved={reload}
                />
              </li>
            ))}
          </ul>
        ))}
      <ExpiringSoon reloadToken={reloadToken} navigate={navigate} />
    </section>
  );
}
