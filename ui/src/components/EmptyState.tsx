// Shown when the profiles folder holds no profile: leads straight into the
// Active Directory wizard (the integration most admins start with), or to
// the list of every wizard.

/** The "no integrations yet" message. */
export function EmptyState({
  dir,
  onNew,
  onStartAd,
}: {
  dir: string;
  onNew: () => void;
  onStartAd: () => void;
}) {
  return (
    <div class="empty-state">
      <h3>No integrations yet</h3>
      <p>
        An integration reads users and groups from a directory and keeps a platform in step with it. The setup
        walks you through the connection, the checks, what to sync, and a preview before anything changes.
      </p>
      <p>
        <button type="button" onClick={onStartAd}>
          Set up Active Directory
        </button>{' '}
        <button type="button" class="secondary" onClick={onNew}>
          New integration
        </button>
      </p>
      <p class="muted">
        Profiles are saved in <code class="path">{dir}</code>.
      </p>
    </div>
  );
}
