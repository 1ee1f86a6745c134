// The main window: loads the profile list once, and again on "Refresh".
// It holds the only state of the page; the components below it are pure.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { listProfiles, toErrorReport } from './api';
import { EmptyState } from './components/EmptyState';
import { ErrorPanel } from './components/ErrorPanel';
import { ProfileTable } from './components/ProfileTable';
import type { ErrorReport, ProfileList } from './types';

type Load =
  | { status: 'loading' }
  | { status: 'error'; error: ErrorReport }
  | { status: 'ready'; list: ProfileList };

/** The whole page. */
export function App() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });

  const refresh = useCallback(async () => {
    setLoad({ status: 'loading' });
    try {
      setLoad({ status: 'ready', list: await listProfiles() });
    } catch (error) {
      setLoad({ status: 'error', error: toErrorReport(error) });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <>
      <header class="app-header">
        <h1>Onramp</h1>
        <p class="tagline">Directory sync and identity integrations</p>
      </header>
      <main>
        <section aria-labelledby="profiles-heading" aria-busy={load.status === 'loading'}>
          <div class="section-head">
            <h2 id="profiles-heading">Profiles</h2>
            <button type="button" onClick={() => void refresh()} disabled={load.status === 'loading'}>
              Refresh
            </button>
          </div>
          <Body load={load} />
        </section>
      </main>
    </>
  );
}

function Body({ load }: { load: Load }) {
  switch (load.status) {
    case 'loading':
      return <p role="status">Loading profiles…</p>;
    case 'error':
      return <ErrorPanel title="The profiles could not be listed" error={load.error} />;
    case 'ready':
      return load.list.profiles.length === 0 ? (
        <EmptyState dir={load.list.dir} />
      ) : (
        <ProfileTable list={load.list} />
      );
  }
}
