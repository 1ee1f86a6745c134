// App settings: whether Onramp starts at login; updates; the diagnostic bundle.
import { useState } from 'preact/hooks';
import { getSettings, setAutostart, toErrorReport } from '../api';
import { DiagnosticsExport } from '../components/DiagnosticsExport';
import { ErrorBody, ErrorPanel } from '../components/ErrorPanel';
import { UpdateSettings } from '../components/UpdateSettings';
import type { Updates } from '../hooks/useUpdates';
import { useLoad } from '../hooks/useLoad';
import type { ErrorReport, Settings } from '../types';

/** The settings view. */
export function SettingsView({ updates }: { updates: Updates }) {
  const [load] = useLoad(getSettings, []);
  const [saved, setSaved] = useState<Settings | null>(null);
  // The value being saved, shown meanwhile so the box does not flip back
  // until the backend has answered.
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState<ErrorReport | null>(null);
  const settings = saved ?? (load.status === 'ready' ? load.data : null);

  const toggle = (enabled: boolean) => {
    setPending(enabled);
    setError(null);
    setAutostart(enabled).then(
      (next) => {
        setSaved(next);
        setPending(null);
      },
      (e: unknown) => {
        setError(toErrorReport(e));
        setPending(null);
      },
    );
  };

  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading" tabIndex={-1}>
        Settings
      </h2>
      {load.status === 'loading' && <p role="status">Loading settings…</p>}
      {load.status === 'error' && <ErrorPanel title="The settings could not be read" error={load.error} />}
      {settings !== null && (
        <div class="panel">
          <label class="check-row">
            <input
              type="checkbox"
              id="setting-autostart"
              checked={pending ?? settings.autostart}
              disabled={pending !== null}
              onChange={(e) => toggle((e.currentTarget as HTMLInputElement).checked)}
            />
            Start Onramp in the tray when I log in
          </label>
          {error !== null && (
            <div class="inline-error" role="alert">
              <ErrorBody error={error} />
            </div>
          )}
        </div>
      )}
      <h3>Updates</h3>
      <UpdateSettings updates={updates} />
      <h3>Support</h3>
      <DiagnosticsExport />
    </section>
  );
}
