// email_attribute fields: which directory attribute is the e-mail address.
// Shows what the directory holds (mail only, UPN only, both, neither) next to
// the choice, and who would be skipped with the chosen attribute.
import { useEffect } from 'preact/hooks';
import { plural } from '../../format';
import type { EmailReport } from '../../types';
import type { DiscoveryLoad } from '../useDiscovery';
import { DiscoveryStatus } from './DiscoveryStatus';
import type { InputProps } from './types';

interface Props extends InputProps {
  load: DiscoveryLoad | undefined;
  /** Reads the counts; `force` reads again even if nothing changed. */
  onDiscover: (force: boolean) => void;
}

/** The radio choice with the directory's e-mail statistics. */
export function EmailAttributeInput({ field, id, value, onChange, describedBy, load, onDiscover }: Props) {
  // Once per visit of the step: typing in other fields must not re-read the directory.
  useEffect(() => onDiscover(false), []);
  const report = load?.status === 'ready' && load.data.what === 'email' ? load.data.email : null;
  return (
    <div class="email-attribute" id={id}>
      <div class="radio-list" role="radiogroup" aria-describedby={describedBy} aria-label={field.label}>
        {field.options.map((o) => (
          <label key={o.value} class="check-row">
            <input
              type="radio"
              id={`${id}-${o.value}`}
              name={id}
              value={o.value}
              checked={value === o.value}
              onChange={() => {
                onChange(o.value);
                onDiscover(false);
              }}
            />
            {o.label}
          </label>
        ))}
      </div>
      <DiscoveryStatus load={load} noun="the e-mail counts" onReload={() => onDiscover(true)} />
      {report !== null && <EmailCounts report={report} />}
    </div>
  );
}

function EmailCounts({ report }: { report: EmailReport }) {
  const rows: Array<[string, string, number]> = [
    ['mail_only', 'Only mail is set', report.mail_only],
    ['upn_only', 'Only userPrincipalName is set', report.upn_only],
    ['both_same', 'Both set, the same', report.both_same],
    ['both_different', 'Both set, different', report.both_different],
    ['neither', 'Neither is set', report.neither],
  ];
  return (
    <div class="email-counts" data-attribute={report.attribute}>
      <table class="data compact">
        <caption>{plural(report.users, 'user')} in scope</caption>
        <tbody>
          {rows.map(([key, label, n]) => (
            <tr key={key} data-count={key}>
              <th scope="row">{label}</th>
              <td class="num">{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="eligible" data-count="eligible">
        With <code>{report.attribute}</code>: <strong>{plural(report.eligible, 'user')}</strong> can be synced,{' '}
        <strong>{report.skipped.length}</strong> skipped.
      </p>
      {report.skipped.length > 0 && (
        <details class="skipped-users">
          <summary>Skipped users and why ({report.skipped.length})</summary>
          <ul>
            {report.skipped.map((s) => (
              <li key={s.dn}>
                <span class="mono">{s.dn}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
