// ou_tree fields: the directory's OUs as an expandable tree with user counts;
// each OU can be excluded. The value is the list of excluded DNs. An OU under
// an excluded one is excluded with it and shown so.
import { useEffect, useState } from 'preact/hooks';
import type { OuNode } from '../../types';
import type { DiscoveryLoad } from '../useDiscovery';
import { DiscoveryStatus } from './DiscoveryStatus';
import type { InputProps } from './types';

interface Props extends InputProps {
  load: DiscoveryLoad | undefined;
  onDiscover: (force: boolean) => void;
}

/** The excluded DNs the directory already reports, for a draft that has none yet. */
function reportedExclusions(nodes: OuNode[]): string[] {
  return nodes.flatMap((n) => (n.excluded ? [n.dn] : reportedExclusions(n.children)));
}

/** The OU tree with exclude boxes. */
export function OuTreeInput({ field, id, value, onChange, describedBy, load, onDiscover }: Props) {
  // Once per visit of the step: typing in other fields must not re-read the directory.
  useEffect(() => onDiscover(false), []);
  const ous = load?.status === 'ready' && load.data.what === 'ous' ? load.data.ous : null;
  useEffect(() => {
    if (ous !== null && value === undefined) {
      const reported = reportedExclusions(ous);
      if (reported.length > 0) onChange(reported);
    }
  }, [ous, value, onChange]);
  const excluded = new Set(Array.isArray(value) ? value : []);
  const toggle = (dn: string, exclude: boolean) => {
    const next = new Set(excluded);
    if (exclude) next.add(dn);
    else next.delete(dn);
    onChange([...next]);
  };
  return (
    <div class="ou-tree" id={id} aria-describedby={describedBy}>
      <DiscoveryStatus load={load} noun="the OUs" onReload={() => onDiscover(true)} />
      {ous !== null && ous.length === 0 && <p class="empty-line">The directory has no OUs under the base DN.</p>}
      {ous !== null && ous.length > 0 && (
        <ul class="tree" aria-label={field.label}>
          {ous.map((node) => (
            <OuItem key={node.dn} node={node} excluded={excluded} parentExcluded={false} onToggle={toggle} depth={0} />
          ))}
        </ul>
      )}
      <p class="muted" role="status">
        {excluded.size === 0 ? 'No OU excluded.' : `${excluded.size} excluded.`}
      </p>
    </div>
  );
}

interface ItemProps {
  node: OuNode;
  excluded: Set<string>;
  parentExcluded: boolean;
  onToggle: (dn: string, exclude: boolean) => void;
  depth: number;
}

function OuItem({ node, excluded, parentExcluded, onToggle, depth }: ItemProps) {
  const [open, setOpen] = useState(depth < 1);
  const mine = excluded.has(node.dn);
  const childrenId = `ou-children-${node.dn.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li data-dn={node.dn} data-excluded={mine || parentExcluded}>
      <div class="tree-row">
        {node.children.length > 0 ? (
          <button
            type="button"
            class="tree-toggle"
            aria-expanded={open}
            aria-controls={childrenId}
            aria-label={`${open ? 'Collapse' : 'Expand'} ${node.name}`}
            onClick={() => setOpen(!open)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span class="tree-spacer" aria-hidden="true" />
        )}
        <label class="check-row">
          <input
            type="checkbox"
            checked={mine || parentExcluded}
            disabled={parentExcluded}
            onChange={(e) => onToggle(node.dn, (e.currentTarget as HTMLInputElement).checked)}
          />
          <span>
            Exclude <strong>{node.name}</strong>
          </span>
        </label>
        <span class="counts">
          {node.total_users} users{node.total_users !== node.direct_users && ` (${node.direct_users} directly)`}
          {parentExcluded && ' · excluded with its parent'}
        </span>
      </div>
      {node.children.length > 0 && open && (
        <ul id={childrenId}>
          {node.children.map((child) => (
            <OuItem
              key={child.dn}
              node={child}
              excluded={excluded}
              parentExcluded={mine || parentExcluded}
              onToggle={onToggle}
              depth={depth + 1}
            />
          ))}
        </ul>
      )}
    </li>
  );
}
