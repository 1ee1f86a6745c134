// The current time in Unix seconds, refreshed every `everyMs`, so relative
// times ("in 4 minutes") stay true while the window is open.
import { useEffect, useState } from 'preact/hooks';

/** Unix seconds, updated periodically. */
export function useNow(everyMs = 15000): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
