// One wizard field: its label, help, input (by type), the proposal note and
// the error under it. Composite inputs (radio choice, OU tree, group list)
// are grouped in a fieldset whose legend is the label.
import type { DiscoveryKind } from '../api';
import type { DraftValue, WizardField } from '../types';
import { EmailAttributeInput } from './fields/EmailAttributeInput';
import { GroupPickerInput } from './fields/GroupPickerInput';
import { ListInput } from './fields/ListInput';
import { NumberInput } from './fields/NumberInput';
import { OuTreeInput } from './fields/OuTreeInput';
import { SecretInput } from './fields/SecretInput';
import { SelectInput } from './fields/SelectInput';
import { TextInput } from './fields/TextInput';
import { ToggleInput } from './fields/ToggleInput';
import { fieldId } from './logic';
import type { DiscoveryLoad } from './useDiscovery';

/** What the wizard hands each field. */
export interface FieldContext {
  onChange: (key: string, value: DraftValue | undefined) => void;
  onBadNumber: (key: string, bad: boolean) => void;
  onStage: (key: string, value: string) => Promise<unknown>;
  onDiscover: (what: DiscoveryKind, force: boolean) => void;
  discoveries: Partial<Record<DiscoveryKind, DiscoveryLoad>>;
}

interface Props {
  field: WizardField;
  value: DraftValue | undefined;
  /** The client's or the server's complaint, shown under the input. */
  error: string | null;
  /** The check a value was proposed from, while the admin has not changed it. */
  proposedFrom: string | undefined;
  staged: boolean;
  ctx: FieldContext;
}

const DISCOVERY: Partial<Record<WizardField['type'], DiscoveryKind>> = {
  email_attribute: 'email',
  ou_tree: 'ous',
  group_picker: 'groups',
};

/** A labelled field with its help and error. */
export function Field({ field, value, error, proposedFrom, staged, ctx }: Props) {
  const id = fieldId(field.key);
  const helpId = field.help === undefined ? undefined : `${id}-help`;
  const errorId = error === null ? undefined : `${id}-error`;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  const composite = DISCOVERY[field.type] !== undefined;
  const base = {
    field,
    id,
    value,
    describedBy,
    invalid: error !== null,
    onChange: (v: DraftValue | undefined) => ctx.onChange(field.key, v),
  };
  const what = DISCOVERY[field.type];
  const discovery = what === undefined ? undefined : ctx.discoveries[what];
  const onDiscover = (force: boolean) => {
    if (what !== undefined) ctx.onDiscover(what, force);
  };

  let input;
  switch (field.type) {
    case 'text':
    case 'url':
    case 'dn':
      input = <TextInput {...base} />;
      break;
    case 'number':
      input = <NumberInput {...base} onBadInput={(bad) => ctx.onBadNumber(field.key, bad)} />;
      break;
    case 'secret':
      input = <SecretInput {...base} staged={staged} onStage={(v) => ctx.onStage(field.key, v)} />;
      break;
    case 'toggle':
      input = <ToggleInput {...base} />;
      break;
    case 'select':
      input = <SelectInput {...base} />;
      break;
    case 'list':
      input = <ListInput {...base} />;
      break;
    case 'email_attribute':
      input = <EmailAttributeInput {...base} load={discovery} onDiscover={onDiscover} />;
      break;
    case 'ou_tree':
      input = <OuTreeInput {...base} load={discovery} onDiscover={onDiscover} />;
      break;
    case 'group_picker':
      input = <GroupPickerInput {...base} load={discovery} onDiscover={onDiscover} />;
      break;
  }

  const label = (
    <>
      {field.label}
      {field.required && field.type !== 'toggle' && <span class="required"> (required)</span>}
    </>
  );
  const extras = (
    <>
      {field.help !== undefined && (
        <p id={helpId} class="help">
          {field.help}
        </p>
      )}
      {proposedFrom !== undefined && (
        <p class="proposed" data-proposed={proposedFrom}>
          Value proposed from <code>{proposedFrom}</code>; change it if it is not right.
        </p>
      )}
      {error !== null && (
        <p id={errorId} class="field-error" data-error-for={field.key}>
          <span aria-hidden="true">✕ </span>
          {error}
        </p>
      )}
    </>
  );

  if (composite) {
    return (
      <fieldset class="field" data-field={field.key}>
        <legend>{label}</legend>
        {input}
        {extras}
      </fieldset>
    );
  }
  return (
    <div class="field" data-field={field.key}>
      {field.type === 'toggle' ? input : <label for={id}>{label}</label>}
      {field.type !== 'toggle' && input}
      {extras}
    </div>
  );
}
