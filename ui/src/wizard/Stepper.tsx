// The list of a wizard's steps with the current one marked; earlier steps
// can be revisited (everything entered is kept).
import type { WizardStep } from '../types';

interface Props {
  steps: WizardStep[];
  current: number;
  onGo: (index: number) => void;
}

/** The step list. */
export function Stepper({ steps, current, onGo }: Props) {
  return (
    <nav aria-label="Setup steps" class="stepper">
      <ol>
        {steps.map((step, i) => {
          const state = i < current ? 'done' : i === current ? 'current' : 'todo';
          return (
            <li key={step.id} class={`stepper-${state}`} data-stepper={step.id}>
              {i < current ? (
                <button type="button" class="link" onClick={() => onGo(i)}>
                  <span class="step-number">{i + 1}</span> {step.title}
                  <span class="visually-hidden"> (done)</span>
                </button>
              ) : (
                <span aria-current={i === current ? 'step' : undefined}>
                  <span class="step-number">{i + 1}</span> {step.title}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
