// A profile's health as a badge. The state is always spelled out in text and
// marked with a distinct symbol, so it never depends on colour alone.
import type { Health } from '../types';

const LABELS: Record<Health['state'], { text: string; symbol: string }> = {
  unknown: { text: 'Unknown', symbol: '?' },
  green: { text: 'Healthy', symbol: '✓' },
  yellow: { text: 'Attention', symbol: '~' },
  red: { text: 'Failing', symbol: '✕' },
  invalid: { text: 'Invalid', symbol: '!' },
};

/** The badge plus its one-line summary. */
export function HealthBadge({ health }: { health: Health }) {
  const label = LABELS[health.state];
  return (
    <span class="health">
      <span class={`badge badge-${health.state}`}>
        <span class="badge-symbol" aria-hidden="true">
          {label.symbol}
        </span>
        {label.text}
      </span>
      <span class="health-summary">{health.summary}</span>
    </span>
  );
}
