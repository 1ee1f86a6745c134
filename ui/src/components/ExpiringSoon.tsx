// The dashboard's "Expiring soon": every credential within 30 days of its
// end (or past it), soonest first, each with a way into its rotation view.
import { useEffect } from 'preact/hooks';
import { expiryList } from '../api';
import { endDate, expiresIn } from '../format_expiry';
import { useLoad } from '../hooks/useLoad';
import type { Navigate } from '../routes';
import { ErrorPanel } from './ErrorPanel';

interface Props {
  /** Changes whenever the list must be read again. */
  reloadToken: number;
  navigate: Navigate;
}

/** The "Expiring soon" panel; nothing at all while nothing is recorded. */
export function ExpiringSoon({ reloadToken, navigate }: Props) {
  const [load, reload] = useLoad(expiryList, []);
  useEffect(() => {
    if (reloadToken > 0) reload();
  }, [reloadToken, reload]);
  if (load.status === 'loading') return null;
  if (load.status === 'error') return <ErrorPanel title="The expiring credentials could not be read" error={load.error} />;
  const items = load.data.items;
  if (items.length === 0) return null;
  const soon = items.filter((r) => r.state === 'soon' || r.state === 'expired');
  return (
    <section class="expiring" aria-labelledby="expiring-heading">
      <h3 id="expiring-heading">Expiring soon</h3>
      {soon.length === 0 ? (
        <p class="muted">Nothing ends within 30 days ({items.length} certificates and secrets watched).</p>
      ) : (
        <ul class="expiring-list">
          {soon.map((row) => (
            <li key={`${row.profile}/${row.item}`} data-state={row.state} data-item={row.item}>
              <span class="expiring-when">{expiresIn(row)}</span>{' '}
              <span>{row.label}</span> <span class="muted">· {row.display_name} · {endDate(row)}</span>{' '}
              <button
                type="button"
                class="secondary"
                onClick={() => navigate({ view: 'credential', profile: row.profile, item: row.item })}
              >
                Renew…
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
