// The save step's summary: every value of the setup, by step. Secrets show
// only whether they were given.
import type { DraftValue, DraftValues, Wizard, WizardField } from '../types';

interface Props {
  wizard: Wizard;
  values: DraftValues;
  staged: Record<string, boolean>;
  profileName: string | null;
  /** The step the summary is on: its own fields are shown as inputs instead. */
  currentStep: string;
}

function show(field: WizardField, value: DraftValue | undefined, staged: boolean): string {
  if (field.type === 'secret') return staged ? 'Stored for this setup' : 'Not given';
  if (value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.join(', ');
  const option = field.options.find((o) => o.value === value);
  return option?.label ?? String(value);
}

/** The summary list. */
export function SaveSummary({ wizard, values, staged, profileName, currentStep }: Props) {
  const steps = wizard.steps.filter((s) => s.id !== currentStep && s.fields.length > 0);
  return (
    <div class="save-summary">
      {profileName !== null && (
        <p>
          The profile is saved as <code>{profileName}</code>.
        </p>
      )}
      {steps.map((step) => (
        <section key={step.id} aria-label={step.title}>
          <h4>{step.title}</h4>
          <dl class="summary-list">
            {step.fields.map((f) => (
              <div key={f.key} data-summary={f.key}>
                <dt>{f.label}</dt>
                <dd>{show(f, values[f.key], staged[f.key] === true)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </div>
  );
}
