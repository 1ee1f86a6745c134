// One run: its record and the result for every object it touched, failed
// ones first, filterable by outcome.
import { useCallback, useMemo, useState } from 'preact/hooks';
import { runDetail } from '../api';
import { DiagnosticsExport } from '../components/DiagnosticsExport';
import { ErrorPanel } from '../components/ErrorPanel';
import { formatCounts, formatDuration, formatTimestamp, runStateLabel } from '../format';
import { useLoad } from '../hooks/useLoad';
import type { Navigate } from '../routes';
import type { ObjectResult } from '../types';

type Filter = 'all' | 'failed' | 'ok';

/** Failed results first, then by time. Pure, exported for reuse. */
export function orderResults(results: ObjectResult[], filter: Filter): ObjectResult[] {
  return results
    .filter((r) => filter === 'all' || r.outcome === filter)
    .sort((a, b) => (a.outcome === b.outcome ? a.at - b.at : a.outcome === 'failed' ? -1 : 1));
}

/** The run detail view. */
export function RunDetailView({ runId, profile, navigate }: { runId: number; profile: string | null; navigate: Navigate }) {
  const fetch = useCallback(() => runDetail(runId), [runId]);
  const [load] = useLoad(fetch, [fetch]);
  const [filter, setFilter] = useState<Filter>('all');
  const shown = useMemo(() => (load.status === 'ready' ? orderResults(load.data.results, filter) : []), [load, filter]);
  const owner = load.status === 'ready' ? load.data.run.profile : profile;

  return (
    <section aria-labelledby="run-heading">
      <div class="section-head">
        <h2 id="run-heading" tabIndex={-1}>
          Run {runId}
          {owner !== null && <span class="muted"> · {owner}</span>}
        </h2>
        <button type="button" class="secondary" onClick={() => navigate({ view: 'history', profile: owner })}>
          Back to history
        </button>
      </div>
      {load.status === 'loading' && <p role="status">Loading run {runId}…</p>}
      {load.status === 'error' && <ErrorPanel title={`Run ${runId} could not be read`} error={load.error} />}
      {load.status === 'ready' && (
        <>
          <dl class="facts run-facts" data-state={load.data.run.state}>
            <div>
              <dt>State</dt>
              <dd>{runStateLabel(load.data.run.state)}</dd>
            </div>
            <div>
              <dt>Mode</dt>
              <dd>{load.data.run.mode === 'apply' ? 'Apply' : 'Preview'}</dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{formatTimestamp(load.data.run.started_at)}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{formatDuration(load.data.run)}</dd>
            </div>
            <div>
              <dt>Changes</dt>
              <dd>{formatCounts(load.data.run.summary)}</dd>
            </div>
          </dl>
          {load.data.run.message !== null && <p class="run-message">{load.data.run.message}</p>}
          <div class="section-head">
            <h3>Objects</h3>
            <label class="inline-field">
              Show{' '}
              <select
                id="result-filter"
                value={filter}
                onChange={(e) => setFilter((e.currentTarget as HTMLSelectElement).value as Filter)}
              >
                <option value="all">All outcomes</option>
                <option value="failed">Failed only</option>
                <option value="ok">Succeeded only</option>
              </select>
            </label>
          </div>
          {shown.length === 0 ? (
            <p class="empty-line">No object results to show.</p>
          ) : (
            <div class="table-wrap">
              <table class="data results">
                <caption>
                  {shown.length} of {load.data.results.length} results
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Object</th>
                    <th scope="col">Action</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Message</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={`${r.anchor}-${r.action}-${r.at}`} data-outcome={r.outcome}>
                      <th scope="row" class="mono">
                        {r.anchor}
                      </th>
                      <td>{r.action}</td>
                      <td>
                        <span class={`state state-${r.outcome === 'ok' ? 'ok' : 'failed'}`}>
                          {r.outcome === 'ok' ? 'Succeeded' : 'Failed'}
                        </span>
                      </td>
                      <td class="message">{r.message ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {(load.data.run.state === 'failed' || load.data.run.state === 'partial') && (
            <>
              <h3>Ask for help</h3>
              <DiagnosticsExport />
            </>
          )}
        </>
      )}
    </section>
  );
}
