// The loading and error states every discovery field shares, with a button
// to read the directory again.
import { ErrorBody } from '../../components/ErrorPanel';
import type { DiscoveryLoad } from '../useDiscovery';

interface Props {
  load: DiscoveryLoad | undefined;
  /** What is read, for the texts: "the OUs", "the groups". */
  noun: string;
  onReload: () => void;
}

/** "Reading…", the error, and the "Read again" button. */
export function DiscoveryStatus({ load, noun, onReload }: Props) {
  const loading = load === undefined || load.status === 'loading';
  return (
    <div class="discovery-status">
      {loading && <p role="status">Reading {noun} from the directory…</p>}
      {load?.status === 'error' && (
        <div class="inline-error" role="alert">
          <p class="steps-label">{`Could not read ${noun}.`}</p>
          <ErrorBody error={load.error} />
        </div>
      )}
      <button type="button" class="secondary small" onClick={onReload} disabled={loading}>
        Read {noun} again
      </button>
    </div>
  );
}
