// Loads a wizard's definition and hands it to the renderer. Stays mounted
// (hidden) while the admin visits another view, so the draft survives.
import { useCallback } from 'preact/hooks';
import { getWizard } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import { useLoad } from '../hooks/useLoad';
import { WizardRunner } from '../wizard/WizardRunner';

interface Props {
  wizardId: string;
  visible: boolean;
  /** Leaves the setup; `saved` when a profile was written. */
  onClose: (saved: boolean) => void;
}

/** The wizard view. */
export function WizardView({ wizardId, visible, onClose }: Props) {
  const fetch = useCallback(() => getWizard(wizardId), [wizardId]);
  const [load] = useLoad(fetch, [fetch]);
  return (
    <section aria-labelledby="wizard-heading" hidden={!visible} class="wizard">
      {load.status === 'loading' && (
        <h2 id="wizard-heading" tabIndex={-1}>
          Loading the setup…
        </h2>
      )}
      {load.status === 'error' && (
        <>
          <h2 id="wizard-heading" tabIndex={-1}>
            Setup
          </h2>
          <ErrorPanel title="The setup could not be loaded" error={load.error} />
        </>
      )}
      {load.status === 'ready' && <WizardRunner wizard={load.data} onClose={onClose} />}
    </section>
  );
}
