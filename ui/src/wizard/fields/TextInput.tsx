// text, url and dn fields: one line of text.
import type { InputProps } from './types';

const INPUT_TYPE = { url: 'url', dn: 'text', text: 'text' } as const;

/** A one-line text input. */
export function TextInput({ field, id, value, onChange, describedBy, invalid }: InputProps) {
  const type = field.type === 'url' || field.type === 'dn' ? field.type : 'text';
  return (
    <input
      id={id}
      type={INPUT_TYPE[type]}
      class={type === 'dn' ? 'mono' : undefined}
      value={typeof value === 'string' ? value : ''}
      placeholder={field.placeholder}
      required={field.required}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      spellcheck={false}
      autoComplete="off"
      onInput={(e) => {
        const text = (e.currentTarget as HTMLInputElement).value;
        onChange(text === '' ? undefined : text);
      }}
    />
  );
}
