// The wizard's rules as pure functions, so the renderer only wires state:
// initial values, client-side validation, which server errors belong where,
// and filling fields from check evidence ("propose").
import type { CheckResult, DraftValue, DraftValues, FieldError, Wizard, WizardField, WizardStep } from '../types';

/** The DOM id of a field's input: `field-` + the key with dots as dashes. */
export function fieldId(key: string): string {
  return `field-${key.replaceAll('.', '-')}`;
}

/** The starting values: every non-secret field's default. */
export function initialValues(wizard: Wizard): DraftValues {
  const values: DraftValues = {};
  for (const step of wizard.steps) {
    for (const field of step.fields) {
      if (field.type !== 'secret' && field.default !== undefined) values[field.key] = field.default;
    }
  }
  return values;
}

/** Whether a value counts as "not given". */
export function isEmpty(value: DraftValue | undefined): boolean {
  if (value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** What the client knows beyond the values: staged secrets and unparsable numbers. */
export interface ClientState {
  staged: Record<string, boolean>;
  badNumbers: Record<string, boolean>;
}

/** The client-side problem of one field, or null: required, number syntax and range. */
export function fieldProblem(field: WizardField, values: DraftValues, state: ClientState): string | null {
  if (field.type === 'secret') {
    return field.required && !state.staged[field.key] ? `${field.label} is required.` : null;
  }
  if (field.type === 'toggle' || field.type === 'ou_tree') return null;
  if (field.type === 'number' && state.badNumbers[field.key]) return `${field.label} must be a number.`;
  const value = values[field.key];
  if (isEmpty(value)) {
    if (!field.required) return null;
    return field.type === 'group_picker' ? 'Choose at least one group.' : `${field.label} is required.`;
  }
  if (field.type === 'number' && typeof value === 'number') {
    return Number.isInteger(value) ? rangeProblem(field, value) : `${field.label} must be a whole number.`;
  }
  return null;
}

function rangeProblem(field: WizardField, value: number): string | null {
  const { min, max } = field;
  const tooLow = min !== undefined && value < min;
  const tooHigh = max !== undefined && value > max;
  if (!tooLow && !tooHigh) return null;
  if (min !== undefined && max !== undefined) return `Enter a number from ${min} to ${max}.`;
  return min !== undefined ? `Enter a number of at least ${min}.` : `Enter a number of at most ${max}.`;
}

/** Every client-side problem of a step's fields. */
export function stepProblems(step: WizardStep, values: DraftValues, state: ClientState): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of step.fields) {
    const message = fieldProblem(field, values, state);
    if (message !== null) errors.push({ key: field.key, message });
  }
  return errors;
}

/** Where a server error is shown. */
export interface PlacedErrors {
  /** Under the field of the current step, by key. */
  byField: Record<string, string>;
  /** At the top of the step: '' keys, earlier steps' fields and unknown keys. */
  top: string[];
}

/**
 * Sorts `validate_draft`'s errors for the step at `index`. Errors about
 * fields of later steps are left out: the admin has not reached them yet.
 */
export function placeErrors(wizard: Wizard, index: number, errors: FieldError[]): PlacedErrors {
  const where = new Map<string, { step: number; field: WizardField }>();
  wizard.steps.forEach((step, i) => step.fields.forEach((field) => where.set(field.key, { step: i, field })));
  const placed: PlacedErrors = { byField: {}, top: [] };
  for (const error of errors) {
    const found = where.get(error.key);
    if (error.key === '' || found === undefined) {
      placed.top.push(error.key === '' ? error.message : `${error.key}: ${error.message}`);
    } else if (found.step === index) {
      const before = placed.byField[error.key];
      placed.byField[error.key] = before === undefined ? error.message : `${before} ${error.message}`;
    } else if (found.step < index) {
      const title = wizard.steps[found.step]?.title ?? '';
      placed.top.push(`${title} › ${found.field.label}: ${error.message}`);
    }
  }
  return placed;
}

/** Whether placed errors hold anything that blocks going on. */
export function hasErrors(placed: PlacedErrors): boolean {
  return placed.top.length > 0 || Object.keys(placed.byField).length > 0;
}

/** A stable text form of the values, to tell whether checks ran on what is shown now. */
export function valuesKey(values: DraftValues): string {
  return JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
}

/** What proposals changed: the new values and the check each field was proposed from. */
export interface Proposals {
  values: DraftValues;
  proposed: Record<string, string>;
}

/** Fills empty fields that propose a value from a check's evidence. */
export function applyProposals(wizard: Wizard, results: CheckResult[], values: DraftValues): Proposals {
  const next = { ...values };
  const proposed: Record<string, string> = {};
  for (const step of wizard.steps) {
    for (const field of step.fields) {
      const rule = field.propose;
      if (rule === undefined || !isEmpty(next[field.key])) continue;
      const result = results.find((r) => r.id === rule.check);
      const evidence = result?.evidence?.find((e) => e.key === rule.evidence);
      if (evidence !== undefined && evidence.value.trim() !== '') {
        next[field.key] = evidence.value;
        proposed[field.key] = rule.check;
      }
    }
  }
  return { values: next, proposed };
}

/** The checklist item's tick key: items are identified within their step. */
export function itemKey(step: WizardStep, itemId: string): string {
  return `${step.id}/${itemId}`;
}

/** Whether every item of a checklist step is ticked. */
export function checklistDone(step: WizardStep, ticked: Record<string, boolean>): boolean {
  return step.items.every((item) => ticked[itemKey(step, item.id)] === true);
}

/** Merges re-run results into the earlier ones, by check id, keeping the order. */
export function mergeResults(before: CheckResult[], fresh: CheckResult[]): CheckResult[] {
  const merged = before.map((r) => fresh.find((f) => f.id === r.id) ?? r);
  for (const f of fresh) if (!merged.some((r) => r.id === f.id)) merged.push(f);
  return merged;
}

/** The values a discovery depends on, as text: all but the fields of `ignoreTypes` (its own selections). */
export function discoveryKey(wizard: Wizard, values: DraftValues, ignoreTypes: WizardField['type'][]): string {
  const ignored = new Set(
    wizard.steps.flatMap((s) => s.fields).filter((f) => ignoreTypes.includes(f.type)).map((f) => f.key),
  );
  const kept: DraftValues = {};
  for (const [k, v] of Object.entries(values)) if (!ignored.has(k)) kept[k] = v;
  return valuesKey(kept);
}
