// Shown when the profiles folder holds no profile: tells the admin exactly
// how to create the first one, since the wizard UI does not exist yet.
const EXAMPLE = 'onramp profile new NAME --kind ad';

/** The "no profiles yet" message. */
export function EmptyState({ dir }: { dir: string }) {
  return (
    <div class="empty-state">
      <h3>No profiles yet</h3>
      <p>A profile describes one integration: which directory to read, what to sync, and when.</p>
      <p>Create one from a terminal, replacing NAME with a short name such as corp-ad:</p>
      <pre>
        <code>{EXAMPLE}</code>
      </pre>
      <p>
        Other kinds: <code>ldap</code>, <code>entra</code>, <code>google</code>, <code>okta</code>,{' '}
        <code>saml</code>, <code>sentinelone</code>, <code>bitdefender</code>, <code>defender</code>,{' '}
        <code>heimdal</code>.
      </p>
      <p>
        Profiles are read from <code class="path">{dir}</code>. Edit the new file, then press Refresh.
      </p>
    </div>
  );
}
