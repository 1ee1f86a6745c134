// The wizard's state and its flow, apart from the rendering. All values live
// here (not per step), so Back and Next keep everything. Secret values never
// do: they go straight to `stage_secret` and only "staged" is remembered.
//
// Next on a form step: client checks (required, number ranges) → the server's
// `validate_draft` → the step's checks (when the values changed since they
// last ran). It moves on when nothing failed; after a fresh run that warned
// or proposed a value it stays once, so the admin sees why.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  previewDraft,
  runChecks,
  saveProfile,
  stageSecret,
  toErrorReport,
  validateDraft,
  type DiscoveryKind,
} from '../api';
import { useStateRef } from '../hooks/useStateRef';
import type { CheckResult, DraftValue, DraftValues, ErrorReport, Wizard, WizardStep } from '../types';
import {
  applyProposals,
  checklistDone,
  fieldId,
  fieldProblem,
  hasErrors,
  initialValues,
  mergeResults,
  placeErrors,
  stepProblems,
  valuesKey,
  type PlacedErrors,
} from './logic';
import type { PreviewLoad } from './PreviewStep';
import { useDiscovery, type Discoveries } from './useDiscovery';

/** What the wizard is waiting for, if anything. */
export type Busy = null | 'validating' | 'checking' | 'saving';

/** A step's last check results and the values they were run on. */
interface StepChecks {
  results: CheckResult[];
  key: string;
}

/** A failed command, shown at the top of the step. */
export interface Failure {
  title: string;
  error: ErrorReport;
}

const NO_ERRORS: PlacedErrors = { byField: {}, top: [] };

/** The wizard's state and actions, for WizardRunner. */
export function useWizard(wizard: Wizard, onSaved: () => void) {
  const steps = wizard.steps;
  const [index, setIndex] = useState(0);
  const [values, setValues, valuesRef] = useStateRef<DraftValues>(() => initialValues(wizard));
  const [staged, setStaged, stagedRef] = useStateRef<Record<string, boolean>>({});
  const [badNumbers, setBadNumbers] = useState<Record<string, boolean>>({});
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [attempted, setAttempted] = useState<Record<string, boolean>>({});
  const [placed, setPlaced] = useState<PlacedErrors>(NO_ERRORS);
  const [checks, setChecks, checksRef] = useStateRef<Record<string, StepChecks>>({});
  const [proposed, setProposed] = useState<Record<string, string>>({});
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState<Busy>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [profileName, setProfileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ key: string; load: PreviewLoad } | null>(null);
  const [exists, setExists] = useState<ErrorReport | null>(null);
  const pending = useRef(new Set<Promise<unknown>>());
  const discovery: Discoveries = useDiscovery(wizard);
  const step = steps[index] as WizardStep;

  const setValue = useCallback(
    (key: string, value: DraftValue | undefined) => {
      const next = { ...valuesRef.current };
      if (value === undefined) delete next[key];
      else next[key] = value;
      setValues(next);
      setTouched((t) => ({ ...t, [key]: true }));
      setProposed((p) => {
        if (p[key] === undefined) return p;
        const rest = { ...p };
        delete rest[key];
        return rest;
      });
      setPlaced((pl) => {
        if (pl.byField[key] === undefined) return pl;
        const byField = { ...pl.byField };
        delete byField[key];
        return { ...pl, byField };
      });
    },
    [setValues, valuesRef],
  );

  const stage = useCallback(
    (key: string, value: string) => {
      const sent = stageSecret(wizard.id, key, value).then(() => {
        setStaged({ ...stagedRef.current, [key]: true });
        setTouched((t) => ({ ...t, [key]: true }));
      });
      pending.current.add(sent);
      void sent.finally(() => pending.current.delete(sent)).catch(() => undefined);
      return sent;
    },
    [wizard.id, setStaged, stagedRef],
  );

  /** Waits for secrets still being staged (a value committed by Enter). */
  const flushSecrets = async () => {
    await Promise.allSettled([...pending.current]);
  };

  const discover = useCallback(
    (what: DiscoveryKind, force: boolean) => discovery.ensure(what, valuesRef.current, force),
    [discovery.ensure, valuesRef],
  );

  const go = (to: number) => {
    setIndex(to);
    setPlaced(NO_ERRORS);
    setNotice(null);
    setFailure(null);
    setExists(null);
  };

  /** Runs a step's checks (all, or the given ids), fills proposals; null when the command failed. */
  const runStepChecks = async (s: WizardStep, ids: string[] | null) => {
    setBusy('checking');
    setFailure(null);
    setNotice(null);
    try {
      const results = await runChecks(wizard.id, valuesRef.current, ids ?? s.checks);
      const before = checksRef.current[s.id];
      const merged = ids === null || before === undefined ? results : mergeResults(before.results, results);
      const others = Object.entries(checksRef.current)
        .filter(([id]) => id !== s.id)
        .flatMap(([, c]) => c.results);
      const proposal = applyProposals(wizard, [...others, ...merged], valuesRef.current);
      const proposedKeys = Object.keys(proposal.proposed);
      if (proposedKeys.length > 0) {
        setValues(proposal.values);
        setProposed((p) => ({ ...p, ...proposal.proposed }));
      }
      const key = ids === null || before === undefined ? valuesKey(valuesRef.current) : before.key;
      setChecks({ ...checksRef.current, [s.id]: { results: merged, key } });
      return { results: merged, proposed: proposedKeys.length > 0 };
    } catch (error) {
      setFailure({ title: 'The checks could not run', error: toErrorReport(error) });
      return null;
    } finally {
      setBusy(null);
    }
  };

  const focusField = (key: string | undefined) => {
    setTimeout(() => {
      const el = key === undefined ? null : document.getElementById(fieldId(key));
      (el ?? document.getElementById('step-errors'))?.focus();
    }, 0);
  };

  /** Client problems, then the server's; true when the step may go on. */
  const validateStep = async (): Promise<boolean> => {
    setAttempted((a) => ({ ...a, [step.id]: true }));
    const problems = stepProblems(step, valuesRef.current, { staged: stagedRef.current, badNumbers });
    if (problems.length > 0) {
      setPlaced(NO_ERRORS);
      focusField(problems[0]?.key);
      return false;
    }
    setBusy('validating');
    try {
      const validation = await validateDraft(wizard.id, valuesRef.current);
      setProfileName(validation.profile_name);
      const where = placeErrors(wizard, index, validation.errors);
      setPlaced(where);
      if (hasErrors(where)) {
        focusField(where.top.length > 0 ? undefined : Object.keys(where.byField)[0]);
        return false;
      }
      return true;
    } catch (error) {
      setFailure({ title: 'The values could not be validated', error: toErrorReport(error) });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const next = async () => {
    if (busy !== null) return;
    setFailure(null);
    setNotice(null);
    await flushSecrets();
    if (step.kind === 'checklist') {
      setAttempted((a) => ({ ...a, [step.id]: true }));
      if (!checklistDone(step, ticked)) {
        setNotice('Tick every item of the list to continue.');
        return;
      }
      go(index + 1);
      return;
    }
    if (!(await validateStep())) return;
    if (step.checks.length > 0) {
      const kept = checksRef.current[step.id];
      let results = kept !== undefined && kept.key === valuesKey(valuesRef.current) ? kept.results : null;
      if (results === null) {
        const ran = await runStepChecks(step, null);
        if (ran === null) return;
        results = ran.results;
        if (!results.some((r) => r.status === 'fail') && ran.proposed) {
          setNotice('A value was proposed from the checks. Review it, then press Next.');
          return;
        }
        if (!results.some((r) => r.status === 'fail') && results.some((r) => r.status === 'warn')) {
          setNotice('Some checks warn. Review them, then press Next to continue.');
          return;
        }
      }
      if (results.some((r) => r.status === 'fail')) {
        setNotice('A check failed. Fix what it names, then run the checks again.');
        return;
      }
    }
    go(index + 1);
  };

  const back = () => {
    if (busy === null && index > 0) go(index - 1);
  };

  const save = async (overwrite: boolean) => {
    if (busy !== null) return;
    setFailure(null);
    setExists(null);
    await flushSecrets();
    if (!(await validateStep())) return;
    setBusy('saving');
    try {
      await saveProfile(wizard.id, valuesRef.current, overwrite);
      onSaved();
    } catch (e) {
      const error = toErrorReport(e);
      if (error.code === 'profile_exists' && !overwrite) setExists(error);
      else setFailure({ title: 'The profile could not be saved', error });
    } finally {
      setBusy(null);
    }
  };

  const loadPreview = useCallback(() => {
    const key = valuesKey(valuesRef.current);
    setPreview({ key, load: { status: 'loading' } });
    previewDraft(wizard.id, valuesRef.current).then(
      (report) => setPreview((p) => (p?.key === key ? { key, load: { status: 'ready', report } } : p)),
      (error: unknown) =>
        setPreview((p) => (p?.key === key ? { key, load: { status: 'error', error: toErrorReport(error) } } : p)),
    );
  }, [wizard.id, valuesRef]);

  // The preview step reads the preview on arrival, unless it is of these very values.
  useEffect(() => {
    if (step.kind === 'preview' && preview?.key !== valuesKey(valuesRef.current)) loadPreview();
  }, [index]);

  /** The error shown under a field: the client's when it has one to say, else the server's. */
  const errorFor = (key: string): string | null => {
    const field = step.fields.find((f) => f.key === key);
    if (field !== undefined && (touched[key] || attempted[step.id])) {
      const problem = fieldProblem(field, values, { staged, badNumbers });
      if (problem !== null) return problem;
    }
    return placed.byField[key] ?? null;
  };

  return {
    index,
    step,
    values,
    staged,
    proposed,
    ticked,
    busy,
    failure,
    notice,
    placed,
    profileName,
    preview: preview?.load ?? null,
    exists,
    checks: checks[step.id]?.results ?? null,
    discoveries: discovery.loads,
    errorFor,
    setValue,
    setBadNumber: (key: string, bad: boolean) => setBadNumbers((b) => ({ ...b, [key]: bad })),
    tick: (key: string, on: boolean) => setTicked((t) => ({ ...t, [key]: on })),
    stage,
    discover,
    next,
    back,
    go: (to: number) => busy === null && to < index && go(to),
    save,
    loadPreview,
    runAllChecks: () => void runStepChecks(step, null),
    rerunCheck: (id: string) => void runStepChecks(step, [id]),
  };
}
