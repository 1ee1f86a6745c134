// "Export diagnostic bundle": the bundle is collected and redacted first,
// the admin sees every file it holds (and what was removed from each), and
// only then saves it.
import { useState } from 'preact/hooks';
import { diagnosticsPreview, diagnosticsSave, toErrorReport } from '../api';
import { plural } from '../format';
import type { BundlePreview, ErrorReport, SavedBundle } from '../types';
import { ErrorPanel } from './ErrorPanel';

type Step =
  | { status: 'idle' }
  | { status: 'collecting' }
  | { status: 'preview'; preview: BundlePreview }
  | { status: 'saving'; preview: BundlePreview }
  | { status: 'saved'; saved: SavedBundle }
  | { status: 'error'; error: ErrorReport };

/** The export control, with its file list. */
export function DiagnosticsExport() {
  const [step, setStep] = useState<Step>({ status: 'idle' });
  const fail = (e: unknown) => setStep({ status: 'error', error: toErrorReport(e) });
  const start = () => {
    setStep({ status: 'collecting' });
    diagnosticsPreview().then((preview) => setStep({ status: 'preview', preview }), fail);
  };
  const save = (preview: BundlePreview) => {
    setStep({ status: 'saving', preview });
    diagnosticsSave(preview.id).then((saved) => setStep({ status: 'saved', saved }), fail);
  };
  const preview = step.status === 'preview' || step.status === 'saving' ? step.preview : null;
  return (
    <div class="diagnostics">
      <p>
        <button type="button" class="secondary" onClick={start} disabled={step.status === 'collecting' || step.status === 'saving'}>
          Export diagnostic bundle…
        </button>
      </p>
      {step.status === 'collecting' && <p role="status">Collecting and removing secrets…</p>}
      {step.status === 'error' && <ErrorPanel title="The diagnostic bundle could not be made" error={step.error} />}
      {preview !== null && (
        <div class="bundle-preview">
          <p>
            The bundle holds {plural(preview.files.length, 'file')}. Every secret Onramp knows, and any token, key or
            password found, was removed first.
          </p>
          <table class="bundle-files">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Removed</th>
              </tr>
            </thead>
            <tbody>
              {preview.files.map((f) => {
                const removed = Object.values(f.redacted).reduce((a, b) => a + (b ?? 0), 0);
                return (
                  <tr key={f.path} data-path={f.path}>
                    <td>
                      <code>{f.path}</code>
                    </td>
                    <td>{plural(f.bytes, 'byte')}</td>
                    <td>{removed === 0 ? '—' : plural(removed, 'secret or token', 'secrets or tokens')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {preview.notes.length > 0 && (
            <ul class="bundle-notes">
              {preview.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          <p>
            <button type="button" onClick={() => save(preview)} disabled={step.status === 'saving'}>
              Save bundle
            </button>{' '}
            <span class="muted">to {preview.destination}</span>
          </p>
        </div>
      )}
      {step.status === 'saved' && (
        <p role="status" class="bundle-saved">
          Saved {step.saved.path} ({plural(step.saved.bytes, 'byte')}). Attach it to your support request.
        </p>
      )}
    </div>
  );
}
