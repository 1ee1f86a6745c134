// The rotation view of one expiring credential (what a reminder opens):
// what it is, when it ends, what to do, and the live check that confirms
// the renewed one and records its new end, which ends the reminders.
import { useCallback, useState } from 'preact/hooks';
import { expiryList, recheckCredential, toErrorReport } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import { formatTimestamp } from '../format';
import { dateSourceLabel, endDate, expiresIn } from '../format_expiry';
import { useLoad } from '../hooks/useLoad';
import type { Navigate } from '../routes';
import type { CheckResult, ErrorReport, ExpiryRow, Recheck } from '../types';

interface Props {
  profile: string;
  item: string;
  navigate: Navigate;
}

type Checking = { status: 'idle' } | { status: 'busy' } | { status: 'done'; answer: Recheck } | { status: 'error'; error: ErrorReport };

/** The credential view. */
export function CredentialView({ profile, item, navigate }: Props) {
  const [load] = useLoad(expiryList, []);
  const [checking, setChecking] = useState<Checking>({ status: 'idle' });
  const recheck = useCallback(() => {
    setChecking({ status: 'busy' });
    recheckCredential(profile, item).then(
      (answer) => setChecking({ status: 'done', answer }),
      (error) => setChecking({ status: 'error', error: toErrorReport(error) }),
    );
  }, [profile, item]);

  const before = load.status === 'ready' ? (load.data.items.find((r) => r.profile === profile && r.item === item) ?? null) : null;
  const shown = checking.status === 'done' ? checking.answer.credential : before;
  return (
    <section aria-labelledby="credential-heading" data-profile={profile} data-item={item}>
      <div class="section-head">
        <h2 id="credential-heading" tabIndex={-1}>
          Renew a credential
        </h2>
        <button type="button" class="secondary" onClick={() => navigate({ view: 'dashboard' })}>
          Back to the dashboard
        </button>
      </div>
      {load.status === 'loading' && <p role="status">Loading…</p>}
      {load.status === 'error' && <ErrorPanel title="The expiring credentials could not be read" error={load.error} />}
      {load.status === 'ready' && before === null && checking.status !== 'done' && (
        <p role="alert">
          Onramp has no record of <code>{item}</code> for profile <code>{profile}</code> any more: it was renewed or its
          profile changed.
        </p>
      )}
      {shown !== null && <CredentialFacts row={shown} />}
      {before !== null && (
        <>
          <h3>What to do</h3>
          <p class="what-to-do">{before.what_to_do}</p>
          <p>
            <button type="button" onClick={recheck} disabled={checking.status === 'busy'}>
              Check it now
            </button>
          </p>
        </>
      )}
      {checking.status === 'busy' && <p role="status">Checking {item}…</p>}
      {checking.status === 'error' && <ErrorPanel title="The check could not run" error={checking.error} />}
      {checking.status === 'done' && <Outcome before={before} answer={checking.answer} />}
    </section>
  );
}

function CredentialFacts({ row }: { row: ExpiryRow }) {
  return (
    <dl class="facts credential-facts" data-state={row.state}>
      <div>
        <dt>What</dt>
        <dd>{row.label}</dd>
      </div>
      <div>
        <dt>Integration</dt>
        <dd>{row.display_name}</dd>
      </div>
      <div>
        <dt>Ends</dt>
        <dd>
          {endDate(row)} ({expiresIn(row)})
        </dd>
      </div>
      <div>
        <dt>Date from</dt>
        <dd>{dateSourceLabel(row)}</dd>
      </div>
      <div>
        <dt>Last confirmed</dt>
        <dd>{formatTimestamp(row.confirmed_unix)}</dd>
      </div>
    </dl>
  );
}

function Outcome({ before, answer }: { before: ExpiryRow | null; answer: Recheck }) {
  const failed = answer.results.filter((r: CheckResult) => r.status === 'fail');
  const after = answer.credential;
  let verdict: string;
  if (failed.length > 0) verdict = 'The check failed; the record is unchanged.';
  else if (after === null) verdict = 'The check passed and no longer sees this credential; Onramp has stopped watching it.';
  else if (before !== null && after.not_after_unix !== null && before.not_after_unix !== null && after.not_after_unix > before.not_after_unix)
    verdict = `Renewed: the new one ${expiresIn(after)}. The reminders for the old one have ended.`;
  else verdict = `Still the same: it ${expiresIn(after)}. Renew it, then check again.`;
  return (
    <div class="recheck-outcome" role="status">
      <p>{verdict}</p>
      <ul class="check-list">
        {answer.results.map((r) => (
          <li key={r.id} data-status={r.status}>
            <code>{r.id}</code> {r.summary}
            {r.remediation !== undefined && r.remediation !== null && r.remediation.length > 0 && (
              <ol>
                {r.remediation.map((step) => (
                  <li key={step}>{step}</li>
                ))}
              </ol>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
