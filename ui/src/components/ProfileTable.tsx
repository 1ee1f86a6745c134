// The list of profiles as a semantic table: one row per profile file, with
// the integration, the schedule and the health. An invalid profile keeps its
// row and shows why it does not validate.
import { formatSchedule } from '../format';
import type { ProfileList, ProfileSummary } from '../types';
import { ErrorBody } from './ErrorPanel';
import { HealthBadge } from './HealthBadge';

/** The table of profiles. */
export function ProfileTable({ list }: { list: ProfileList }) {
  const count = list.profiles.length;
  return (
    <div class="table-wrap">
      <table class="profiles">
        <caption>
          {count} {count === 1 ? 'profile' : 'profiles'} in <code class="path">{list.dir}</code>
        </caption>
        <thead>
          <tr>
            <th scope="col">Profile</th>
            <th scope="col">Integration</th>
            <th scope="col">Schedule</th>
            <th scope="col">Health</th>
          </tr>
        </thead>
        <tbody>
          {list.profiles.map((p) => (
            <Row key={p.path} profile={p} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Row({ profile: p }: { profile: ProfileSummary }) {
  return (
    <tr>
      <th scope="row">
        <span class="display-name">{p.displayName}</span>
        <span class="file-name">{p.name}</span>
      </th>
      <td>{p.kindLabel ?? '—'}</td>
      <td>{formatSchedule(p.schedule)}</td>
      <td>
        <HealthBadge health={p.health} />
        {p.health.state === 'invalid' && (
          <details class="invalid-details">
            <summary>Details</summary>
            <ErrorBody error={p.health.error} />
          </details>
        )}
      </td>
    </tr>
  );
}
