// Renders an ErrorReport: what is wrong, its stable code, and the ordered
// steps that fix it. Announced to screen readers as an alert.
import type { ErrorReport } from '../types';

/** A full error box with a heading. */
export function ErrorPanel({ title, error }: { title: string; error: ErrorReport }) {
  return (
    <div class="error-panel" role="alert">
      <h3>{title}</h3>
      <ErrorBody error={error} />
    </div>
  );
}

/** The message, the code and the remediation steps, without a frame. */
export function ErrorBody({ error }: { error: ErrorReport }) {
  const steps = error.remediation ?? [];
  return (
    <>
      <p class="error-message">{error.message}</p>
      <p class="error-code">
        Error code: <code>{error.code}</code>
      </p>
      {steps.length > 0 && (
        <>
          <p class="steps-label">How to fix it:</p>
          <ol class="remediation">
            {steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
