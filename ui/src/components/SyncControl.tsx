// "Sync Now" for one profile, with the streamed progress and the outcome. The
// button is disabled while a run of the profile is going on, whoever started it.
import { capitalise } from '../format';
import { isActive, type SyncState } from '../hooks/useSyncRuns';
import { ErrorBody } from './ErrorPanel';

interface Props {
  profile: string;
  label: string;
  /** The shell says a run is in progress (scheduled or manual). */
  running: boolean;
  state: SyncState | undefined;
  onSync: () => void;
}

const STATUS_TEXT = {
  ok: 'Sync finished: everything applied',
  partial: 'Sync finished: some objects failed',
  failed: 'Sync failed',
  held: 'Sync held: the plan needs approval',
  preview: 'Preview finished',
  interrupted: 'Sync stopped partway: the next run makes the rest',
} as const;

/** The Sync Now button and what it reports. */
export function SyncControl({ profile, label, running, state, onSync }: Props) {
  const active = isActive(state);
  const statusId = `sync-status-${profile}`;
  return (
    <div class="sync-control">
      <button
        type="button"
        onClick={onSync}
        disabled={running || active}
        aria-label={`Sync Now: ${label}`}
        aria-describedby={statusId}
      >
        Sync Now
      </button>
      <div id={statusId} class="sync-status" role="status">
        {running && !active && <span>A run is in progress.</span>}
        <SyncStateView state={state} />
      </div>
    </div>
  );
}

function SyncStateView({ state }: { state: SyncState | undefined }) {
  if (state === undefined) return null;
  switch (state.phase) {
    case 'starting':
      return <span>Starting…</span>;
    case 'running': {
      const p = state.progress;
      const text = p === null ? 'Started' : `${capitalise(p.phase)}: ${p.done} of ${p.total}`;
      return (
        <span class="sync-progress">
          <progress
            data-testid="sync-progress"
            data-phase={p?.phase ?? 'started'}
            value={p === null ? undefined : p.done}
            max={p === null || p.total === 0 ? 1 : p.total}
            aria-label="Sync progress"
          />
          <span class="progress-text">{text}</span>
        </span>
      );
    }
    case 'finished':
      return (
        <span class={`sync-result result-${state.status}`} data-status={state.status}>
          {STATUS_TEXT[state.status]} (run {state.run}){state.message === null ? '' : `: ${state.message}`}
        </span>
      );
    case 'error':
      return (
        <span class="sync-error" data-error={state.error.code}>
          <ErrorBody error={state.error} />
        </span>
      );
  }
}
