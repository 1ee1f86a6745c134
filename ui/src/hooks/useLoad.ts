// Loads something through the API and keeps the result, the error or the
// fact that it is loading. A reload keeps the previous data on screen
// (`refreshing`) instead of flashing a spinner, and an answer that arrives
// after a newer request started is dropped.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { toErrorReport } from '../api';
import type { ErrorReport } from '../types';

/** The state of one load. */
export type Load<T> =
  | { status: 'loading' }
  | { status: 'error'; error: ErrorReport }
  | { status: 'ready'; data: T; refreshing: boolean };

/** Runs `fetch` now and whenever `deps` change; returns the state and a reload function. */
export function useLoad<T>(fetch: () => Promise<T>, deps: unknown[]): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ status: 'loading' });
  const seq = useRef(0);
  const run = useCallback(fetch, deps);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    setLoad((prev) => (prev.status === 'ready' ? { ...prev, refreshing: true } : { status: 'loading' }));
    run().then(
      (data) => {
        if (mine === seq.current) setLoad({ status: 'ready', data, refreshing: false });
      },
      (error: unknown) => {
        if (mine === seq.current) setLoad({ status: 'error', error: toErrorReport(error) });
      },
    );
  }, [run]);

  useEffect(() => reload(), [reload]);
  return [load, reload];
}
