// The newest lines of today's log file, as text.
import { useCallback } from 'preact/hooks';
import { readLogs } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import { useLoad } from '../hooks/useLoad';

const LINES = 500;

/** The logs view. */
export function LogsView() {
  const fetch = useCallback(() => readLogs(LINES), []);
  const [load, reload] = useLoad(fetch, [fetch]);
  const busy = load.status === 'loading' || (load.status === 'ready' && load.refreshing);
  return (
    <section aria-labelledby="logs-heading" aria-busy={busy}>
      <div class="section-head">
        <h2 id="logs-heading" tabIndex={-1}>
          Logs
        </h2>
        <button type="button" class="secondary" onClick={reload} disabled={busy}>
          Refresh
        </button>
      </div>
      {load.status === 'loading' && <p role="status">Reading the log…</p>}
      {load.status === 'error' && <ErrorPanel title="The log could not be read" error={load.error} />}
      {load.status === 'ready' && (
        <>
          <p class="muted" id="log-file">
            {load.data.file === null ? (
              'No log file has been written yet.'
            ) : (
              <>
                Last {LINES} lines of <code class="path">{load.data.file}</code>
              </>
            )}
          </p>
          <pre class="log-lines" tabIndex={0} aria-label="Log lines">
            {load.data.lines.length === 0 ? '(empty)' : load.data.lines.join('\n')}
          </pre>
        </>
      )}
    </section>
  );
}
