// The wizard picker: one card per wizard the app ships, from `list_wizards`.
import { listWizards } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import { useLoad } from '../hooks/useLoad';
import type { Navigate } from '../routes';

interface Props {
  /** The wizard already open, if any: starting another discards it. */
  openSetup: string | null;
  onStart: (wizardId: string) => void;
  navigate: Navigate;
}

/** The "New integration" view. */
export function NewIntegration({ openSetup, onStart, navigate }: Props) {
  const [load] = useLoad(listWizards, []);
  return (
    <section aria-labelledby="new-heading">
      <h2 id="new-heading" tabIndex={-1}>
        New integration
      </h2>
      <p class="muted">Pick what to connect. The setup explains each step and checks it before going on.</p>
      {openSetup !== null && (
        <p class="notice">
          A setup is already open. Starting another one discards what it collected.{' '}
          <button type="button" class="secondary" onClick={() => navigate({ view: 'wizard' })}>
            Continue setup
          </button>
        </p>
      )}
      {load.status === 'loading' && <p role="status">Loading the integrations…</p>}
      {load.status === 'error' && <ErrorPanel title="The integrations could not be listed" error={load.error} />}
      {load.status === 'ready' && (
        <ul class="wizard-cards">
          {load.data.map((w) => (
            <li key={w.id} class="wizard-card" data-wizard={w.id}>
              <h3>{w.title}</h3>
              <p>{w.summary}</p>
              <button type="button" onClick={() => onStart(w.id)} aria-label={`Set up ${w.title}`}>
                Start setup
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
