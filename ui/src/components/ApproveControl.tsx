// "Approve" for a held run, behind an explicit confirmation: approving lets
// the next run apply a plan a guard stopped (usually many deactivations).
import { useState } from 'preact/hooks';
import { approveRun, toErrorReport } from '../api';
import { formatCounts } from '../format';
import type { ErrorReport, RunRecord } from '../types';
import { ErrorBody } from './ErrorPanel';

type Phase = { step: 'idle' } | { step: 'confirm' } | { step: 'sending' } | { step: 'error'; error: ErrorReport };

/** The Approve button and its confirmation. */
export function ApproveControl({ run, onApproved }: { run: RunRecord; onApproved: () => void }) {
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const approve = () => {
    setPhase({ step: 'sending' });
    approveRun(run.id).then(
      () => {
        setPhase({ step: 'idle' });
        onApproved();
      },
      (error: unknown) => setPhase({ step: 'error', error: toErrorReport(error) }),
    );
  };

  if (phase.step === 'idle') {
    return (
      <button type="button" class="warning" onClick={() => setPhase({ step: 'confirm' })}>
        Approve
      </button>
    );
  }
  return (
    <div class="confirm-box" role="group" aria-label={`Approve run ${run.id}`}>
      <p>
        Run {run.id} was held: {formatCounts(run.summary)}. {run.message ?? ''} Approving lets the next run apply
        this plan.
      </p>
      {phase.step === 'error' && <ErrorBody error={phase.error} />}
      <div class="actions">
        <button type="button" class="warning" onClick={approve} disabled={phase.step === 'sending'}>
          Approve run {run.id}
        </button>
        <button type="button" class="secondary" onClick={() => setPhase({ step: 'idle' })}>
          Cancel
        </button>
      </div>
    </div>
  );
}
