// The preview step: what the first sync would do with this setup. Nothing
// is changed on the platform.
import { ErrorPanel } from '../components/ErrorPanel';
import { PlanView } from '../components/PlanView';
import type { ErrorReport, SyncReport } from '../types';

/** The preview's state. */
export type PreviewLoad =
  | { status: 'loading' }
  | { status: 'error'; error: ErrorReport }
  | { status: 'ready'; report: SyncReport };

/** The preview step's content. */
export function PreviewStep({ load, onRefresh }: { load: PreviewLoad | null; onRefresh: () => void }) {
  const loading = load === null || load.status === 'loading';
  return (
    <div class="preview">
      <div class="section-head">
        <p class="muted">Nothing has been changed on the platform yet.</p>
        <button type="button" class="secondary" onClick={onRefresh} disabled={loading}>
          Run the preview again
        </button>
      </div>
      {loading && <p role="status">Reading the directory and the platform to preview the sync…</p>}
      {load?.status === 'error' && <ErrorPanel title="The preview could not be made" error={load.error} />}
      {load?.status === 'ready' && (
        <>
          {load.report.message !== null && <p class="notice">{load.report.message}</p>}
          {load.report.guard.length > 0 && (
            <section class="guard" aria-label="Access the plan takes away">
              <h3>Access the plan takes away</h3>
              <ul>
                {load.report.guard.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </section>
          )}
          <PlanView plan={load.report.plan} />
        </>
      )}
    </div>
  );
}
