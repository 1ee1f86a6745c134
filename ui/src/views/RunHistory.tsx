// A profile's runs, newest first. The profile comes from the dashboard's
// "History" button or is chosen here.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { listProfiles, runHistory } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import { RunTable } from '../components/RunTable';
import { useLoad } from '../hooks/useLoad';
import type { Navigate } from '../routes';

const LIMIT = 100;

/** The run history view. */
export function RunHistory({ profile, navigate }: { profile: string | null; navigate: Navigate }) {
  const [profiles] = useLoad(listProfiles, []);
  const [chosen, setChosen] = useState<string | null>(profile);
  useEffect(() => {
    if (chosen === null && profiles.status === 'ready') setChosen(profiles.data.profiles[0]?.name ?? null);
  }, [chosen, profiles]);

  const fetch = useCallback(() => (chosen === null ? Promise.resolve([]) : runHistory(chosen, LIMIT)), [chosen]);
  const [runs, reload] = useLoad(fetch, [fetch]);

  return (
    <section aria-labelledby="history-heading">
      <div class="section-head">
        <h2 id="history-heading" tabIndex={-1}>
          Run history
        </h2>
        <div class="actions">
          <label class="inline-field">
            Profile{' '}
            <select
              id="history-profile"
              value={chosen ?? ''}
              onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value || null)}
            >
              {chosen !== null && profiles.status !== 'ready' && <option value={chosen}>{chosen}</option>}
              {profiles.status === 'ready' &&
                profiles.data.profiles.map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.display_name} ({p.name})
                  </option>
                ))}
            </select>
          </label>
          <button type="button" class="secondary" onClick={reload}>
            Refresh
          </button>
        </div>
      </div>
      {profiles.status === 'error' && <ErrorPanel title="The profiles could not be listed" error={profiles.error} />}
      {chosen === null && profiles.status === 'ready' && <p>There are no profiles yet.</p>}
      {runs.status === 'loading' && <p role="status">Loading runs…</p>}
      {runs.status === 'error' && <ErrorPanel title="The run history could not be read" error={runs.error} />}
      {runs.status === 'ready' && chosen !== null && (
        <RunTable runs={runs.data} onOpen={(runId) => navigate({ view: 'run', runId, profile: chosen })} />
      )}
    </section>
  );
}
