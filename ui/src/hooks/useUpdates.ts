// The update process as the window shows it: loaded once, replaced by every
// `onramp://update-changed` the shell emits (the daily check included) and
// by the answers of the admin's own "Check" and "Install".
import { useCallback, useEffect, useState } from 'preact/hooks';
import { toErrorReport, updateCheck, updateInstall, updateRestart, updateStatus } from '../api';
import type { ErrorReport, UpdateStatus } from '../types';

/** The status, what the admin can do with it, and a call in progress. */
export interface Updates {
  status: UpdateStatus | null;
  /** A check or an install the admin started and that is not answered yet. */
  busy: 'checking' | 'installing' | 'restarting' | null;
  /** A refused call (the status carries the failures of checks and installs). */
  error: ErrorReport | null;
  check: () => void;
  install: () => void;
  restart: () => void;
  /** Takes a status the shell emitted. */
  received: (status: UpdateStatus) => void;
}

/** The window's one view of the updater. */
export function useUpdates(): Updates {
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [busy, setBusy] = useState<Updates['busy']>(null);
  const [error, setError] = useState<ErrorReport | null>(null);

  useEffect(() => {
    void updateStatus().then(setStatus, () => undefined);
  }, []);

  const run = useCallback((what: NonNullable<Updates['busy']>, call: () => Promise<UpdateStatus | null>) => {
    setBusy(what);
    setError(null);
    call().then(
      (next) => {
        if (next !== null) setStatus(next);
        setBusy(null);
      },
      (e: unknown) => {
        setError(toErrorReport(e));
        setBusy(null);
        // The failure is in the status too (phase failed, with the offer kept).
        void updateStatus().then(setStatus, () => undefined);
      },
    );
  }, []);

  return {
    status,
    busy,
    error,
    check: () => run('checking', updateCheck),
    install: () => run('installing', updateInstall),
    restart: () => run('restarting', updateRestart),
    received: setStatus,
  };
}
