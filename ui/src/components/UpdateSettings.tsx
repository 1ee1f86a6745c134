// Settings › Updates: this version, what the last check found, and "Check
// for updates". Where the updates come from is `updates.toml` (docs/updates.md).
import type { Updates } from '../hooks/useUpdates';
import { formatTimestamp } from '../format';
import type { UpdateStatus } from '../types';
import { ErrorBody } from './ErrorPanel';

/** One line on where things are. */
function describe(status: UpdateStatus): string {
  switch (status.phase) {
    case 'not_checked':
      return 'Not checked yet.';
    case 'checking':
      return 'Checking…';
    case 'not_configured':
      return 'This build has no update server. Set one in updates.toml to get updates here.';
    case 'up_to_date':
      return status.newest !== null && status.newest !== status.current_version
        ? `You have the newest version. (The server offers ${status.newest}, which is older and is not installed.)`
        : 'You have the newest version.';
    case 'available':
      return `Onramp ${status.offer?.version ?? ''} is available.`;
    case 'installing':
      return 'Installing the update…';
    case 'installed':
      return 'The update is installed; restart Onramp to use it.';
    case 'failed':
      return 'The last check or install failed:';
  }
}

/** The Updates panel. */
export function UpdateSettings({ updates }: { updates: Updates }) {
  const { status, busy } = updates;
  if (status === null) return <p role="status">Loading the update status…</p>;
  return (
    <div class="panel update-settings">
      <p>
        Onramp <strong>{status.current_version}</strong>.{' '}
        <span class="update-state">{describe(status)}</span>
        {status.checked_at !== null && <span class="hint"> Last checked {formatTimestamp(status.checked_at)}.</span>}
      </p>
      {status.phase === 'failed' && status.error !== null && (
        <div class="inline-error" role="alert">
          <ErrorBody error={status.error} />
        </div>
      )}
      {updates.error !== null && (
        <div class="inline-error" role="alert">
          <ErrorBody error={updates.error} />
        </div>
      )}
      <p>
        <button
          type="button"
          class="secondary"
          onClick={updates.check}
          disabled={busy !== null || status.phase === 'checking' || status.phase === 'installing' || status.phase === 'installed'}
        >
          {busy === 'checking' ? 'Checking…' : 'Check for updates'}
        </button>
      </p>
      <p class="hint">
        {status.automatic
          ? 'Onramp checks on start and once a day, and installs only when you click Install. Updates must be signed with Onramp’s release key.'
          : 'Automatic checks are off (updates.toml). Updates must be signed with Onramp’s release key.'}
      </p>
    </div>
  );
}
