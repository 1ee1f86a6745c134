// secret fields: the value goes to the app once, through `stage_secret`, when
// the input is committed (change: blur or Enter). It is then cleared from the
// input and never kept in the draft or shown again.
import { useState } from 'preact/hooks';
import { toErrorReport } from '../../api';
import { ErrorBody } from '../../components/ErrorPanel';
import type { ErrorReport } from '../../types';
import type { InputProps } from './types';

interface Props extends Omit<InputProps, 'value' | 'onChange'> {
  staged: boolean;
  /** Sends the value; resolves once the app keeps it. */
  onStage: (value: string) => Promise<unknown>;
}

/** A password input whose value is staged, not stored. */
export function SecretInput({ field, id, describedBy, invalid, staged, onStage }: Props) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ErrorReport | null>(null);
  const statusId = `${id}-status`;
  const commit = (input: HTMLInputElement) => {
    const value = input.value;
    if (value === '') return;
    input.value = '';
    setSending(true);
    setError(null);
    onStage(value).then(
      () => setSending(false),
      (e: unknown) => {
        setSending(false);
        setError(toErrorReport(e));
      },
    );
  };
  return (
    <>
      <input
        id={id}
        type="password"
        autoComplete="off"
        placeholder={staged ? 'Stored. Type a new value to replace it.' : field.placeholder}
        required={field.required && !staged}
        aria-invalid={invalid}
        aria-describedby={[describedBy, statusId].filter(Boolean).join(' ')}
        onChange={(e) => commit(e.currentTarget as HTMLInputElement)}
      />
      <p id={statusId} class="secret-status" role="status">
        {sending ? 'Storing…' : staged ? '✓ Stored for this setup' : ''}
      </p>
      {error !== null && (
        <div class="inline-error">
          <ErrorBody error={error} />
        </div>
      )}
    </>
  );
}
