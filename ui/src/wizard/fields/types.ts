// What every field input receives from the wizard.
import type { DraftValue, WizardField } from '../../types';

/** The props of a field input. */
export interface InputProps {
  field: WizardField;
  /** The DOM id of the input (see `fieldId`). */
  id: string;
  value: DraftValue | undefined;
  /** Sets the value; `undefined` removes it from the draft. */
  onChange: (value: DraftValue | undefined) => void;
  /** Ids of the help and error texts, for aria-describedby. */
  describedBy: string | undefined;
  invalid: boolean;
}
