// The run history as a table; a run opens from its id button or a click on
// the row.
import { formatCounts, formatDuration, formatTimestamp, runStateLabel } from '../format';
import type { RunRecord } from '../types';

/** The table of runs. */
export function RunTable({ runs, onOpen }: { runs: RunRecord[]; onOpen: (runId: number) => void }) {
  if (runs.length === 0) return <p class="empty-line">This profile has not run yet.</p>;
  return (
    <div class="table-wrap">
      <table class="data runs">
        <caption>{runs.length === 1 ? '1 run' : `${runs.length} runs`}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Mode</th>
            <th scope="col">State</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Changes</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run={run.id} data-state={run.state} class="clickable" onClick={() => onOpen(run.id)}>
              <th scope="row">
                <button type="button" class="link" onClick={(e) => (e.stopPropagation(), onOpen(run.id))}>
                  Run {run.id}
                </button>
              </th>
              <td>{run.mode === 'apply' ? 'Apply' : 'Preview'}</td>
              <td>
                <span class={`state state-${run.state}`}>{runStateLabel(run.state)}</span>
              </td>
              <td>{formatTimestamp(run.started_at)}</td>
              <td>{formatDuration(run)}</td>
              <td>{formatCounts(run.summary)}</td>
              <td class="message">{run.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
