// State with a ref that always holds the latest value, for async flows that
// read state after awaiting (a closure would see the value of its render).
import { useCallback, useRef, useState } from 'preact/hooks';

/** Like useState, plus `ref.current` updated synchronously by the setter. */
export function useStateRef<T>(initial: T | (() => T)): [T, (next: T) => void, { readonly current: T }] {
  const [value, setValue] = useState<T>(initial);
  const ref = useRef<T>(value);
  const set = useCallback((next: T) => {
    ref.current = next;
    setValue(next);
  }, []);
  return [value, set, ref];
}
