// select fields: one of the field's options.
import type { InputProps } from './types';

/** A drop-down of the field's options. */
export function SelectInput({ field, id, value, onChange, describedBy, invalid }: InputProps) {
  const current = typeof value === 'string' ? value : '';
  return (
    <select
      id={id}
      value={current}
      required={field.required}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      onChange={(e) => {
        const chosen = (e.currentTarget as HTMLSelectElement).value;
        onChange(chosen === '' ? undefined : chosen);
      }}
    >
      {(current === '' || !field.required) && <option value="">{field.placeholder ?? 'Choose…'}</option>}
      {field.options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
