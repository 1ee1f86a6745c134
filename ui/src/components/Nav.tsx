// The header's navigation: one button per view. The current view is marked
// with aria-current so it is announced, not only highlighted.
import type { Route } from '../routes';

interface Props {
  current: Route['view'];
  /** Whether a setup wizard is open (kept while the admin looks elsewhere). */
  setupOpen: boolean;
  onGo: (view: 'dashboard' | 'new' | 'wizard' | 'history' | 'logs' | 'settings') => void;
}

const ITEMS = [
  { view: 'dashboard', label: 'Dashboard' },
  { view: 'new', label: 'New integration' },
  { view: 'history', label: 'Run history' },
  { view: 'logs', label: 'Logs' },
  { view: 'settings', label: 'Settings' },
] as const;

/** The header navigation. */
export function Nav({ current, setupOpen, onGo }: Props) {
  const active = (view: Route['view']) =>
    current === view || (view === 'history' && current === 'run') ? 'page' : undefined;
  return (
    <nav aria-label="Main" class="main-nav">
      <ul>
        {ITEMS.map((item) => (
          <li key={item.view}>
            <button type="button" class="nav-button" aria-current={active(item.view)} onClick={() => onGo(item.view)}>
              {item.label}
            </button>
          </li>
        ))}
        {setupOpen && (
          <li>
            <button type="button" class="nav-button" aria-current={active('wizard')} onClick={() => onGo('wizard')}>
              Continue setup
            </button>
          </li>
        )}
      </ul>
    </nav>
  );
}
