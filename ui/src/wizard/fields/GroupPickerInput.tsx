// group_picker fields: the directory's groups, filterable, with member counts
// and a badge for names too long to become a tag. The value is the list of
// chosen group names.
import { useEffect, useState } from 'preact/hooks';
import type { GroupInfo } from '../../types';
import type { DiscoveryLoad } from '../useDiscovery';
import { DiscoveryStatus } from './DiscoveryStatus';
import type { InputProps } from './types';

interface Props extends InputProps {
  load: DiscoveryLoad | undefined;
  onDiscover: (force: boolean) => void;
}

/** Groups whose name or description contains the filter text, case-insensitively. */
export function filterGroups(groups: GroupInfo[], filter: string): GroupInfo[] {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return groups;
  return groups.filter(
    (g) => g.name.toLowerCase().includes(needle) || (g.description ?? '').toLowerCase().includes(needle),
  );
}

/** The filterable group checklist. */
export function GroupPickerInput({ field, id, value, onChange, describedBy, invalid, load, onDiscover }: Props) {
  // Once per visit of the step: typing in other fields must not re-read the directory.
  useEffect(() => onDiscover(false), []);
  const [filter, setFilter] = useState('');
  const groups = load?.status === 'ready' && load.data.what === 'groups' ? load.data.groups : null;
  const chosen = Array.isArray(value) ? value : [];
  const toggle = (name: string, on: boolean) => {
    const next = on ? [...chosen, name] : chosen.filter((n) => n !== name);
    onChange(next.length === 0 ? undefined : next);
  };
  const shown = groups === null ? [] : filterGroups(groups, filter);
  return (
    <div class="group-picker" id={id} aria-describedby={describedBy} aria-invalid={invalid}>
      <DiscoveryStatus load={load} noun="the groups" onReload={() => onDiscover(true)} />
      {groups !== null && (
        <>
          <label class="inline-field">
            Filter{' '}
            <input
              type="search"
              id={`${id}-filter`}
              value={filter}
              onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)}
              onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
              aria-label={`Filter ${field.label}`}
            />
          </label>
          <p class="muted" role="status">
            {chosen.length} chosen · showing {shown.length} of {groups.length}
          </p>
          <ul class="group-list" aria-label={field.label}>
            {shown.map((g) => (
              <li key={g.dn} data-group={g.name}>
                <label class="check-row">
                  <input
                    type="checkbox"
                    checked={chosen.includes(g.name)}
                    onChange={(e) => toggle(g.name, (e.currentTarget as HTMLInputElement).checked)}
                  />
                  <span class="group-name">{g.name}</span>
                </label>
                <span class="counts">{g.member_count} members</span>
                {g.name_too_long_for_tag && (
                  <span class="tag-badge" title="The platform limits tag length; this name would be cut">
                    too long for a tag
                  </span>
                )}
                {g.description !== null && <span class="group-description">{g.description}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
