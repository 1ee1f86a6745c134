// App settings: whether Onramp starts at login.
import { useState } from 'preact/hooks';
import { getSettings, setAutostart, toErrorReport } from '../api';
import { ErrorBody, ErrorPanel } from '../components/ErrorPanel';
import { useLoad } from '../hooks/useLoad';
import type { ErrorReport, Settings } from '../types';

/** The settings view. */
export function SettingsView() {
  const [load] = useLoad(getSettings, []);
  const [saved, setSaved] = useState<Settings | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorReport | null>(null);
  const settings = saved ?? (load.status === 'ready' ? load.data : null);

  const toggle = (enabled: boolean) => {
    setSaving(true);
    setError(null);
    setAutostart(enabled).then(
      (next) => {
        setSaved(next);
        setSaving(false);
      },
      (e: unknown) => {
        setError(toErrorReport(e));
        setSaving(false);
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
              checked={settings.autostart}
              disabled={saving}
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
    </section>
  );
}
