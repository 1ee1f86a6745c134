// list fields: one value per line; blank lines and surrounding spaces are dropped.
import { useState } from 'preact/hooks';
import type { InputProps } from './types';

/** Splits the textarea's text into the list value. */
export function parseLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A textarea with one value per line. */
export function ListInput({ field, id, value, onChange, describedBy, invalid }: InputProps) {
  // The text is kept as typed (with its blank lines) while the draft holds the parsed list.
  const [text, setText] = useState(() => (Array.isArray(value) ? value.join('\n') : ''));
  return (
    <textarea
      id={id}
      class="mono"
      rows={4}
      value={text}
      placeholder={field.placeholder ?? 'One value per line'}
      required={field.required}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      spellcheck={false}
      onInput={(e) => {
        const next = (e.currentTarget as HTMLTextAreaElement).value;
        setText(next);
        const list = parseLines(next);
        onChange(list.length === 0 ? undefined : list);
      }}
    />
  );
}
