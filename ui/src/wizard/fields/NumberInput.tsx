// number fields: the value is a number in the draft; text that is not a
// number is reported by the wizard (onBadInput) instead of being sent.
import type { InputProps } from './types';

/** A number input with the field's bounds. */
export function NumberInput(props: InputProps & { onBadInput: (bad: boolean) => void }) {
  const { field, id, value, onChange, describedBy, invalid, onBadInput } = props;
  return (
    <input
      id={id}
      type="number"
      class="number"
      value={typeof value === 'number' ? String(value) : undefined}
      step={1}
      min={field.min}
      max={field.max}
      placeholder={field.placeholder}
      required={field.required}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      onInput={(e) => {
        const input = e.currentTarget as HTMLInputElement;
        const bad = input.validity.badInput || (input.value !== '' && !Number.isFinite(input.valueAsNumber));
        onBadInput(bad);
        onChange(bad || input.value === '' ? undefined : input.valueAsNumber);
      }}
    />
  );
}
