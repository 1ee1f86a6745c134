// Discovery results (OUs, groups, e-mail counts) shared by the wizard's
// fields, so two group pickers read the directory once. A result is kept
// until the values it depends on change; the fields' own selections are not
// among those, so ticking a box never re-reads the directory.
import { useCallback, useRef, useState } from 'preact/hooks';
import { discover, toErrorReport, type DiscoveryKind } from '../api';
import type { Discovery, DraftValues, ErrorReport, FieldType, Wizard } from '../types';
import { discoveryKey } from './logic';

/** One discovery's state. */
export type DiscoveryLoad =
  | { status: 'loading' }
  | { status: 'error'; error: ErrorReport }
  | { status: 'ready'; data: Discovery };

/** Which fields' values each discovery ignores. */
const IGNORES: Record<DiscoveryKind, FieldType[]> = {
  ous: ['ou_tree', 'group_picker'],
  groups: ['group_picker'],
  email: ['group_picker'],
};

/** The discoveries and the function that (re)loads one. */
export interface Discoveries {
  loads: Partial<Record<DiscoveryKind, DiscoveryLoad>>;
  /** Loads `what` unless a result for the same values is kept; `force` reads again. */
  ensure: (what: DiscoveryKind, values: DraftValues, force: boolean) => void;
}

/** Discovery state for one wizard. */
export function useDiscovery(wizard: Wizard): Discoveries {
  const [loads, setLoads] = useState<Partial<Record<DiscoveryKind, DiscoveryLoad>>>({});
  const keys = useRef<Partial<Record<DiscoveryKind, string>>>({});
  const seq = useRef<Partial<Record<DiscoveryKind, number>>>({});

  const ensure = useCallback(
    (what: DiscoveryKind, values: DraftValues, force: boolean) => {
      const key = discoveryKey(wizard, values, IGNORES[what]);
      if (!force && keys.current[what] === key) return;
      keys.current[what] = key;
      const mine = (seq.current[what] ?? 0) + 1;
      seq.current[what] = mine;
      const set = (load: DiscoveryLoad) => {
        if (seq.current[what] === mine) setLoads((prev) => ({ ...prev, [what]: load }));
      };
      set({ status: 'loading' });
      discover(wizard.id, values, what).then(
        (data) => set({ status: 'ready', data }),
        (error: unknown) => {
          // A failed read is not kept: the next visit tries again.
          if (seq.current[what] === mine) delete keys.current[what];
          set({ status: 'error', error: toErrorReport(error) });
        },
      );
    },
    [wizard],
  );

  return { loads, ensure };
}
