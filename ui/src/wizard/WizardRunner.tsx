// Renders any wizard from its definition: the stepper, the current step
// (checklist, form, preview or save), its errors and checks, and the
// Back / Next / Save buttons. The state and the flow are in useWizard.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBody, ErrorPanel } from '../components/ErrorPanel';
import type { Wizard } from '../types';
import { ChecklistStep } from './ChecklistStep';
import { CheckResults } from './CheckResults';
import { Field, type FieldContext } from './Field';
import { checklistDone } from './logic';
import { PreviewStep } from './PreviewStep';
import { SaveSummary } from './SaveSummary';
import { Stepper } from './Stepper';
import { useWizard } from './useWizard';

interface Props {
  wizard: Wizard;
  onClose: (saved: boolean) => void;
}

const BUSY_TEXT = {
  validating: 'Checking the values…',
  checking: 'Running checks…',
  saving: 'Saving the profile…',
} as const;

/** The wizard. */
export function WizardRunner({ wizard, onClose }: Props) {
  const w = useWizard(wizard, () => onClose(true));
  const { step, index } = w;
  const last = index === wizard.steps.length - 1;
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  const [cancelling, setCancelling] = useState(false);

  // A new step starts reading at its heading.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [index]);

  const ctx: FieldContext = {
    onChange: w.setValue,
    onBadNumber: w.setBadNumber,
    onStage: w.stage,
    onDiscover: w.discover,
    discoveries: w.discoveries,
  };
  const blockedChecklist = step.kind === 'checklist' && !checklistDone(step, w.ticked);

  return (
    <>
      <div class="section-head">
        <h2 id="wizard-heading" tabIndex={-1}>
          {wizard.title}
        </h2>
        {cancelling ? (
          <div class="actions confirm-inline" role="group" aria-label="Cancel the setup">
            <span>Discard this setup?</span>
            <button type="button" class="warning" onClick={() => onClose(false)}>
              Discard
            </button>
            <button type="button" class="secondary" onClick={() => setCancelling(false)}>
              Keep editing
            </button>
          </div>
        ) : (
          <button type="button" class="secondary" onClick={() => setCancelling(true)}>
            Cancel setup
          </button>
        )}
      </div>
      <Stepper steps={wizard.steps} current={index} onGo={w.go} />
      <form
        class="step panel"
        data-step={step.id}
        data-kind={step.kind}
        noValidate
        aria-labelledby="step-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void (last ? w.save(false) : w.next());
        }}
      >
        <h3 id="step-heading" tabIndex={-1} ref={heading}>
          <span class="muted">
            Step {index + 1} of {wizard.steps.length}:
          </span>{' '}
          {step.title}
        </h3>
        {step.intro
          .split(/\n\s*\n/)
          .filter((p) => p.trim() !== '')
          .map((p, i) => (
            <p key={i} class="intro">
              {p}
            </p>
          ))}
        {step.links.length > 0 && (
          <ul class="help-links">
            {step.links.map((l) => (
              <li key={l.url}>
                <a href={l.url} target="_blank" rel="noreferrer">
                  {l.label}
                </a>{' '}
                <span class="muted path">{l.url}</span>
              </li>
            ))}
          </ul>
        )}
        {w.placed.top.length > 0 && (
          <div id="step-errors" class="error-panel step-errors" role="alert" tabIndex={-1}>
            <p class="steps-label">Correct these first:</p>
            <ul>
              {w.placed.top.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}
        {w.failure !== null && <ErrorPanel title={w.failure.title} error={w.failure.error} />}

        {step.kind === 'checklist' && <ChecklistStep step={step} ticked={w.ticked} onTick={w.tick} />}
        {step.fields.map((f) => (
          <Field
            key={f.key}
            field={f}
            value={w.values[f.key]}
            error={w.errorFor(f.key)}
            proposedFrom={w.proposed[f.key]}
            staged={w.staged[f.key] === true}
            ctx={ctx}
          />
        ))}
        {step.kind === 'preview' && <PreviewStep load={w.preview} onRefresh={w.loadPreview} />}
        {step.kind === 'save' && (
          <SaveSummary
            wizard={wizard}
            values={w.values}
            staged={w.staged}
            profileName={w.profileName}
            currentStep={step.id}
          />
        )}
        {step.checks.length > 0 && (
          <CheckResults
            ids={step.checks}
            results={w.checks}
            busy={w.busy !== null}
            onRunAll={w.runAllChecks}
            onRerun={w.rerunCheck}
          />
        )}

        {w.exists !== null && (
          <div class="confirm-box" role="alert" data-error="profile_exists">
            <ErrorBody error={w.exists} />
            <div class="actions">
              <button type="button" class="warning" onClick={() => void w.save(true)} disabled={w.busy !== null}>
                Replace
              </button>
            </div>
          </div>
        )}
        <p class="wizard-status" role="status">
          {w.busy !== null ? BUSY_TEXT[w.busy] : (w.notice ?? (blockedChecklist ? 'Tick every item to continue.' : ''))}
        </p>
        <div class="wizard-actions">
          {index > 0 && (
            <button type="button" class="secondary" onClick={w.back} disabled={w.busy !== null}>
              Back
            </button>
          )}
          <span class="spacer" />
          {last ? (
            <button type="submit" disabled={w.busy !== null}>
              Save and enable
            </button>
          ) : (
            <button type="submit" disabled={w.busy !== null}>
              Next
            </button>
          )}
        </div>
      </form>
    </>
  );
}
