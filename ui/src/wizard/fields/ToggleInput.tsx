// toggle fields: a checkbox; the value is a boolean.
import type { InputProps } from './types';

/** A checkbox with its label beside it. */
export function ToggleInput({ field, id, value, onChange, describedBy }: InputProps) {
  return (
    <label class="check-row" for={id}>
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        aria-describedby={describedBy}
        onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      {field.label}
    </label>
  );
}
