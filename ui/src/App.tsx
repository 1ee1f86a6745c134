// The window: the header navigation, the current view, and the shell's
// events. It holds the navigation state, the open setup wizard (kept mounted
// while the admin looks at another view, so nothing typed is lost) and the
// manual runs; the views below it load their own data.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { keepWindow, listenToShell, takeOpenRequest } from './api';
import { Nav } from './components/Nav';
import { UpdateBanner } from './components/UpdateBanner';
import { useNow } from './hooks/useNow';
import { useSyncRuns } from './hooks/useSyncRuns';
import { useUpdates } from './hooks/useUpdates';
import type { Route } from './routes';
import { CredentialView } from './views/CredentialView';
import { Dashboard } from './views/Dashboard';
import { LogsView } from './views/LogsView';
import { NewIntegration } from './views/NewIntegration';
import { RunDetailView } from './views/RunDetailView';
import { RunHistory } from './views/RunHistory';
import { SettingsView } from './views/SettingsView';
import { WizardView } from './views/WizardView';

/** The open setup: which wizard, and a counter so starting again starts fresh. */
interface OpenSetup {
  wizardId: string;
  session: number;
}

/** The whole page. */
export function App() {
  const [route, setRoute] = useState<Route>(savedRoute);
  const [setup, setSetup] = useState<OpenSetup | null>(null);
  const [reloadToken, setReloadToken] = useState(0);
  const now = useNow();
  const reloadDashboard = useCallback(() => setReloadToken((n) => n + 1), []);
  const syncs = useSyncRuns(reloadDashboard);
  const updates = useUpdates();
  const updateReceived = updates.received;
  const moved = useRef(false);

  const navigate = useCallback((next: Route) => {
    moved.current = true;
    setRoute(next);
  }, []);

  // The shell destroys the window when it is closed to the tray, and builds
  // it again on "Open Onramp": start where the admin was, unless the window
  // was opened for something (a clicked notification, the tray's Open).
  useEffect(() => saveRoute(route), [route]);
  useEffect(() => {
    void takeOpenRequest().then(
      (target) => {
        if (target === null) return;
        if (target.view === 'run') navigate({ view: 'run', runId: target.run_id, profile: target.profile });
        else if (target.view === 'credential') navigate({ view: 'credential', profile: target.profile, item: target.item });
        else navigate({ view: 'dashboard' });
      },
      () => undefined,
    );
  }, [navigate]);
  // A setup in progress lives in this page: closing only hides it then.
  useEffect(() => {
    void keepWindow(setup !== null).catch(() => undefined);
  }, [setup]);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void listenToShell({
      healthChanged: reloadDashboard,
      openRun: (target) => navigate({ view: 'run', runId: target.run_id, profile: target.profile }),
      openCredential: (target) => navigate({ view: 'credential', profile: target.profile, item: target.item }),
      openDashboard: () => navigate({ view: 'dashboard' }),
      updateChanged: updateReceived,
    }).then((unlisten) => {
      if (cancelled) unlisten();
      else {
        stop = unlisten;
        // The shell's events reach the page from here on (what a test of a
        // notification click waits for before it clicks).
        document.documentElement.dataset.listening = 'true';
      }
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [reloadDashboard, navigate, updateReceived]);

  // After a navigation, move the focus to the new view's heading so keyboard
  // and screen-reader users start reading at the top of it.
  useEffect(() => {
    if (!moved.current) return;
    const heading = document.querySelector<HTMLElement>('main > section:not([hidden]) h2');
    heading?.focus();
  }, [route]);

  const startSetup = (wizardId: string) => {
    setSetup((prev) => ({ wizardId, session: (prev?.session ?? 0) + 1 }));
    navigate({ view: 'wizard' });
  };
  const closeSetup = (saved: boolean) => {
    setSetup(null);
    if (saved) reloadDashboard();
    navigate({ view: 'dashboard' });
  };

  return (
    <>
      <header class="app-header">
        <h1>Onramp</h1>
        <Nav
          current={route.view}
          setupOpen={setup !== null}
          onGo={(view) =>
            navigate(view === 'history' ? { view, profile: null } : { view } as Route)
          }
        />
      </header>
      <UpdateBanner updates={updates} />
      <main>
        {route.view === 'dashboard' && (
          <Dashboard reloadToken={reloadToken} now={now} syncs={syncs} navigate={navigate} onStart={startSetup} />
        )}
        {route.view === 'new' && (
          <NewIntegration openSetup={setup?.wizardId ?? null} onStart={startSetup} navigate={navigate} />
        )}
        {setup !== null && (
          <WizardView
            key={setup.session}
            wizardId={setup.wizardId}
            visible={route.view === 'wizard'}
            onClose={closeSetup}
          />
        )}
        {route.view === 'wizard' && setup === null && <NoSetup navigate={navigate} />}
        {route.view === 'history' && <RunHistory profile={route.profile} navigate={navigate} />}
        {route.view === 'run' && <RunDetailView runId={route.runId} profile={route.profile} navigate={navigate} />}
        {route.view === 'credential' && (
          <CredentialView
            key={`${route.profile}/${route.item}`}
            profile={route.profile}
            item={route.item}
            navigate={navigate}
          />
        )}
        {route.view === 'logs' && <LogsView />}
        {route.view === 'settings' && <SettingsView updates={updates} />}
      </main>
    </>
  );
}

const ROUTE_KEY = 'onramp.route';

/** The view the window showed when it was last closed (no secrets: view names and ids). */
function savedRoute(): Route {
  try {
    const saved = JSON.parse(localStorage.getItem(ROUTE_KEY) ?? 'null') as Route | null;
    // A setup is not kept across a closed window; its view is not either.
    if (saved !== null && typeof saved.view === 'string' && saved.view !== 'wizard') return saved;
  } catch {
    // A damaged entry: start on the dashboard.
  }
  return { view: 'dashboard' };
}

function saveRoute(route: Route) {
  try {
    localStorage.setItem(ROUTE_KEY, JSON.stringify(route));
  } catch {
    // Storage unavailable: the next window starts on the dashboard.
  }
}

function NoSetup({ navigate }: { navigate: (route: Route) => void }) {
  return (
    <section aria-labelledby="nosetup-heading">
      <h2 id="nosetup-heading" tabIndex={-1}>
        No setup in progress
      </h2>
      <p>
        <button type="button" onClick={() => navigate({ view: 'new' })}>
          New integration
        </button>
      </p>
    </section>
  );
}
