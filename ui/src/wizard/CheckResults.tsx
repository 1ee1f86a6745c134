// The results of a step's checks: status in words and by symbol (never by
// colour alone), summary, details, evidence, the numbered fix, and a button
// to run one check again.
import type { CheckResult, CheckStatus } from '../types';

const STATUS: Record<CheckStatus, { text: string; symbol: string }> = {
  pass: { text: 'Passed', symbol: '✓' },
  warn: { text: 'Warning', symbol: '!' },
  fail: { text: 'Failed', symbol: '✕' },
  skipped: { text: 'Skipped', symbol: '–' },
};

interface Props {
  /** The check ids this step runs, in order. */
  ids: string[];
  results: CheckResult[] | null;
  busy: boolean;
  onRunAll: () => void;
  onRerun: (id: string) => void;
}

/** The checks panel of a step. */
export function CheckResults({ ids, results, busy, onRunAll, onRerun }: Props) {
  return (
    <section class="checks" aria-labelledby="checks-heading">
      <div class="section-head">
        <h4 id="checks-heading">Checks</h4>
        <button type="button" class="secondary" onClick={onRunAll} disabled={busy}>
          {results === null ? 'Run checks' : 'Run checks again'}
        </button>
      </div>
      {results === null && (
        <p class="muted">
          Next runs {ids.length === 1 ? 'this check' : 'these checks'}: {ids.map((id) => <code key={id}>{id} </code>)}
        </p>
      )}
      {busy && (
        <p role="status" class="busy">
          Running checks…
        </p>
      )}
      {results !== null && (
        <ul class="check-list">
          {results.map((r) => (
            <li key={r.id}>
              <CheckResultView result={r} busy={busy} onRerun={() => onRerun(r.id)} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One check result. */
export function CheckResultView({ result: r, busy, onRerun }: { result: CheckResult; busy: boolean; onRerun: () => void }) {
  const status = STATUS[r.status];
  const steps = r.remediation ?? [];
  const evidence = r.evidence ?? [];
  return (
    <article class={`check check-${r.status}`} data-check={r.id} data-status={r.status}>
      <div class="check-head">
        <span class={`badge badge-check-${r.status}`}>
          <span class="badge-symbol" aria-hidden="true">
            {status.symbol}
          </span>
          {status.text}
        </span>
        <code class="check-id">{r.id}</code>
        <span class="check-summary">{r.summary}</span>
        <button type="button" class="secondary small" onClick={onRerun} disabled={busy} aria-label={`Re-run ${r.id}`}>
          Re-run
        </button>
      </div>
      {r.details !== undefined && r.details !== '' && <p class="check-details">{r.details}</p>}
      {evidence.length > 0 && (
        <dl class="evidence">
          {evidence.map((e) => (
            <div key={e.key}>
              <dt>{e.key}</dt>
              <dd class="mono">{e.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {steps.length > 0 && (
        <>
          <p class="steps-label">How to fix it:</p>
          <ol class="remediation">
            {steps.map((step, i) => (
              <li key={i}>{step}</li>
            ))}
          </ol>
        </>
      )}
    </article>
  );
}
