// "Update available" above every view: the version, its notes, and the
// install the admin clicks (never automatic). After a refused or failed
// install the offer stays, with what went wrong.
import type { Updates } from '../hooks/useUpdates';
import { formatTimestamp } from '../format';
import { ErrorBody } from './ErrorPanel';

/** The banner, or nothing when no release is offered or installed. */
export function UpdateBanner({ updates }: { updates: Updates }) {
  const { status, busy } = updates;
  if (status === null) return null;
  const offer = status.offer;
  if (status.phase === 'installed') {
    return (
      <div class="update-banner" role="status">
        <p>
          <strong>The update is installed.</strong> It runs when Onramp restarts.
        </p>
        <button type="button" onClick={updates.restart} disabled={busy !== null}>
          Restart Onramp
        </button>
        {updates.error !== null && <ErrorBody error={updates.error} />}
      </div>
    );
  }
  const shown = status.phase === 'available' || status.phase === 'installing' || (status.phase === 'failed' && offer !== null);
  if (!shown || offer === null) return null;
  const installing = status.phase === 'installing' || busy === 'installing';
  return (
    <div class="update-banner" role="region" aria-label="Update available">
      <p>
        <strong>Update available: Onramp {offer.version}</strong> (you have {status.current_version})
        {offer.published_at !== null && <>, published {formatTimestamp(offer.published_at)}</>}.
      </p>
      {offer.notes !== null && (
        <details class="update-notes">
          <summary>What is new</summary>
          <pre>{offer.notes}</pre>
        </details>
      )}
      <p>
        <button type="button" onClick={updates.install} disabled={installing}>
          {installing ? 'Downloading and verifying…' : status.phase === 'failed' ? 'Try the install again' : 'Install update'}
        </button>{' '}
        <span class="hint">Syncs wait while it installs; Onramp restarts afterwards.</span>
      </p>
      {status.phase === 'failed' && status.error !== null && (
        <div class="inline-error" role="alert">
          <ErrorBody error={status.error} />
        </div>
      )}
      {updates.error !== null && status.phase !== 'failed' && (
        <div class="inline-error" role="alert">
          <ErrorBody error={updates.error} />
        </div>
      )}
    </div>
  );
}
