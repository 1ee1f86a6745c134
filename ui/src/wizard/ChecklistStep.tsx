// A checklist step: things the admin confirms before going on. Every item
// must be ticked before Next.
import type { WizardStep } from '../types';
import { itemKey } from './logic';

interface Props {
  step: WizardStep;
  ticked: Record<string, boolean>;
  onTick: (key: string, on: boolean) => void;
}

/** The checklist. */
export function ChecklistStep({ step, ticked, onTick }: Props) {
  return (
    <ul class="checklist">
      {step.items.map((item) => {
        const key = itemKey(step, item.id);
        const id = `item-${step.id}-${item.id}`;
        return (
          <li key={item.id}>
            <label class="check-row" for={id}>
              <input
                type="checkbox"
                id={id}
                checked={ticked[key] === true}
                aria-describedby={item.help === undefined ? undefined : `${id}-help`}
                onChange={(e) => onTick(key, (e.currentTarget as HTMLInputElement).checked)}
              />
              {item.label}
            </label>
            {item.help !== undefined && (
              <p id={`${id}-help`} class="help">
                {item.help}
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
