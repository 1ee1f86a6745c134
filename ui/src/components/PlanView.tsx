// What a sync would change, as tabs of tables: new users, updates with the
// changed attributes, deactivations and deletions, groups, skipped users and
// notices. The counts are in the tab labels.
import type { ComponentChildren } from 'preact';
import type { Plan } from '../types';
import { Tabs } from './Tabs';

/** The plan of a preview. */
export function PlanView({ plan }: { plan: Plan }) {
  const groups = plan.group_creates.length + plan.group_changes.length;
  return (
    <Tabs
      label="What the sync would change"
      tabs={[
        { id: 'creates', label: `New users (${plan.creates.length})`, render: () => <Creates plan={plan} /> },
        { id: 'updates', label: `Updates (${plan.updates.length})`, render: () => <Updates plan={plan} /> },
        {
          id: 'deprovisions',
          label: `Deactivations (${plan.deprovisions.length})`,
          render: () => <Deprovisions plan={plan} />,
        },
        { id: 'groups', label: `Groups (${groups})`, render: () => <Groups plan={plan} /> },
        { id: 'skipped', label: `Skipped (${plan.skipped.length})`, render: () => <Skipped plan={plan} /> },
        { id: 'notices', label: `Notices (${plan.notices.length})`, render: () => <Notices plan={plan} /> },
      ]}
    />
  );
}

function Table({ caption, head, children }: { caption: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table class="data">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function Creates({ plan }: { plan: Plan }) {
  if (plan.creates.length === 0) return <p class="empty-line">No user would be created.</p>;
  return (
    <Table caption="Users the sync would create" head={['User name', 'Email', 'Display name', 'Admin', 'Tags']}>
      {plan.creates.map((u) => (
        <tr key={u.anchor} data-anchor={u.anchor}>
          <th scope="row">{u.user_name}</th>
          <td>{u.email}</td>
          <td>{u.display_name ?? '—'}</td>
          <td>{u.admin ? 'Yes' : 'No'}</td>
          <td>{u.tags.length === 0 ? '—' : u.tags.join(', ')}</td>
        </tr>
      ))}
    </Table>
  );
}

function Updates({ plan }: { plan: Plan }) {
  if (plan.updates.length === 0) return <p class="empty-line">No user would be updated.</p>;
  return (
    <Table caption="Users the sync would update" head={['User name', 'Changes']}>
      {plan.updates.map((u) => (
        <tr key={u.anchor} data-anchor={u.anchor}>
          <th scope="row">{u.desired.user_name}</th>
          <td>
            <ul class="changes">
              {u.changes.map((c) => (
                <li key={c.attribute}>
                  <span class="attr">{c.attribute}</span>: <del>{c.from === '' ? '(empty)' : c.from}</del> →{' '}
                  <ins>{c.to === '' ? '(empty)' : c.to}</ins>
                </li>
              ))}
            </ul>
          </td>
        </tr>
      ))}
    </Table>
  );
}

function Deprovisions({ plan }: { plan: Plan }) {
  return (
    <>
      {plan.deprovisions.length === 0 ? (
        <p class="empty-line">No user would be deactivated or deleted.</p>
      ) : (
        <Table caption="Users the sync would deactivate or delete" head={['User name', 'Action']}>
          {plan.deprovisions.map((d) => (
            <tr key={d.anchor} data-anchor={d.anchor}>
              <th scope="row">{d.user_name}</th>
              <td>{d.action === 'delete' ? 'Delete' : 'Deactivate'}</td>
            </tr>
          ))}
        </Table>
      )}
      {plan.preserved.length > 0 && (
        <p class="muted">{plan.preserved.length} users the sync did not create are left as they are.</p>
      )}
    </>
  );
}

function Groups({ plan }: { plan: Plan }) {
  if (plan.group_creates.length + plan.group_changes.length === 0) {
    return <p class="empty-line">No group would change.</p>;
  }
  return (
    <Table caption="Groups the sync would create or change" head={['Group', 'Change']}>
      {plan.group_creates.map((g) => (
        <tr key={g.anchor} data-anchor={g.anchor}>
          <th scope="row">{g.display_name}</th>
          <td>Create with {g.members.length} members</td>
        </tr>
      ))}
      {plan.group_changes.map((g) => (
        <tr key={g.anchor} data-anchor={g.anchor}>
          <th scope="row">{g.display_name}</th>
          <td>
            {g.add.length > 0 && <span>Add {g.add.join(', ')}. </span>}
            {g.remove.length > 0 && <span>Remove {g.remove.join(', ')}.</span>}
          </td>
        </tr>
      ))}
    </Table>
  );
}

function Skipped({ plan }: { plan: Plan }) {
  if (plan.skipped.length === 0) return <p class="empty-line">No user is skipped.</p>;
  return (
    <Table caption="Users the sync leaves out, and why" head={['User', 'Reason']}>
      {plan.skipped.map((s) => (
        <tr key={s.anchor} data-anchor={s.anchor}>
          <th scope="row" class="mono">
            {s.dn}
          </th>
          <td>{s.reason}</td>
        </tr>
      ))}
    </Table>
  );
}

function Notices({ plan }: { plan: Plan }) {
  if (plan.notices.length === 0) return <p class="empty-line">No notices.</p>;
  return (
    <ul class="notices">
      {plan.notices.map((n, i) => (
        <li key={i}>{n}</li>
      ))}
    </ul>
  );
}
