// The wizard renderer, walked end to end in Chromium against a scripted fake
// backend: every field type and step kind, client and server validation,
// staged secrets, checks with remediation and re-runs, proposals, discovery
// fields, the preview and saving over an existing profile.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_DN, GROUPS, OUS, PREVIEW, WIZARD, WIZARDS, checkResult, emailReport, profile } from './fixtures.mjs';
import { Rejection, horizontalOverflow, launchBrowser, openApp, serveDist } from './harness.mjs';

const SECRET = 'S3cret-bind-pa55word!';
let browser;
let server;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A backend whose answers follow the wizard fixture; `state` steers its choices. */
function wizardBackend(state) {
  return {
    list_profiles: () => ({ dir: '/profiles', profiles: state.saved ? [profile('corp-ad', { state: 'unknown', summary: 'Not run yet' })] : [] }),
    list_wizards: () => WIZARDS,
    get_wizard: ({ id }) => {
      if (id !== WIZARD.id) throw new Rejection('invalid_input', `no wizard ${id}`);
      return WIZARD;
    },
    validate_draft: ({ values }) => {
      const errors = [];
      if (typeof values['connection.url'] === 'string' && !/^ldaps?:\/\//.test(values['connection.url'])) {
        errors.push({ key: 'connection.url', message: 'must start with ldap:// or ldaps://' });
      }
      if (values['profile.name'] === 'taken name') errors.push({ key: '', message: 'the profile name has a space' });
      // A later step's field: must not show before the admin gets there.
      if (values['sync.groups'] === undefined) errors.push({ key: 'sync.groups', message: 'choose at least one group' });
      return { errors, profile_name: String(values['profile.name'] ?? '') };
    },
    stage_secret: () => null,
    run_checks: ({ ids }) => ids.map((id) => checkResult(id, id === 'ldap.signing' && !state.signingFixed ? 'fail' : 'pass')),
    discover: ({ what, values }) => {
      if (what === 'ous') return { what, ous: OUS };
      if (what === 'groups') return { what, groups: GROUPS };
      return { what, email: emailReport(values['sync.email_attribute']) };
    },
    preview_draft: () => PREVIEW,
    save_profile: ({ overwrite }) => {
      if (!overwrite) throw new Rejection('profile_exists', 'a profile named corp-ad already exists', ['Choose Replace to overwrite it.']);
      state.saved = true;
      return profile('corp-ad', { state: 'unknown', summary: 'Not run yet' });
    },
  };
}

const stepIs = async (page, id) => page.locator(`form[data-step="${id}"]`).waitFor();
const next = (page) => page.getByRole('button', { name: 'Next', exact: true }).click();
const back = (page) => page.getByRole('button', { name: 'Back', exact: true }).click();

async function openWizard(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New integration' }).click();
  await page.getByRole('button', { name: `Set up ${WIZARD.title}` }).click();
  await stepIs(page, 'prerequisites');
}

test('walks a wizard with every field type and step kind', async () => {
  const state = { saved: false, signingFixed: false };
  const { page, backend, close } = await openApp(browser, server.url, wizardBackend(state));
  try {
    await openWizard(page);
    assert.deepEqual(backend.callsOf('get_wizard').map((c) => c.args), [{ id: 'test-ad' }]);
    // The stepper names every step and marks the current one.
    const stepper = page.getByRole('navigation', { name: 'Setup steps' });
    assert.equal(await stepper.locator('li').count(), WIZARD.steps.length);
    assert.equal(await stepper.locator('[aria-current="step"]').innerText(), '1 Before you start');

    // Checklist: Next does nothing until every item is ticked.
    await next(page);
    await stepIs(page, 'prerequisites');
    assert.match(await page.locator('.wizard-status').innerText(), /Tick every item/);
    await page.getByLabel('A read-only service account exists').check();
    await next(page);
    await stepIs(page, 'prerequisites');
    await page.getByLabel('A SCIM token is at hand').check();
    await next(page);
    await stepIs(page, 'connection');

    // Required fields block Next on the client, before any server call.
    await next(page);
    await page.locator('#field-profile-name-error').waitFor();
    assert.match(await page.locator('#field-profile-name-error').innerText(), /Profile name is required/);
    assert.match(await page.locator('#field-connection-bind_password_secret-error').innerText(), /required/);
    assert.equal(await page.locator('#field-connection-url').getAttribute('aria-invalid'), 'true');
    assert.equal(backend.callsOf('validate_draft').length, 0);

    await page.locator('#field-profile-name').fill('corp-ad');
    await page.locator('#field-display_name').fill('Corp AD');
    await page.locator('#field-connection-url').fill('dc1.corp.example');
    await page.locator('#field-connection-starttls').check();
    await page.locator('#field-connection-bind_dn').fill('CN=svc-onramp,OU=Service,DC=corp,DC=example');
    // The secret is staged when the input is committed, then cleared and never shown again.
    await page.locator('#field-connection-bind_password_secret').fill(SECRET);
    await page.locator('#field-connection-ca_file').focus();
    await backend.waitForCalls('stage_secret');
    assert.deepEqual(backend.callsOf('stage_secret')[0].args, { wizard: 'test-ad', key: 'connection.bind_password_secret', value: SECRET });
    await page.getByText('Stored for this setup').waitFor();
    assert.equal(await page.locator('#field-connection-bind_password_secret').inputValue(), '');

    // "Run checks" before Next: the root DSE's naming context is proposed as the base DN.
    assert.equal(await page.locator('#field-connection-base_dn').inputValue(), '');
    await page.getByRole('button', { name: 'Run checks', exact: true }).click();
    await page.locator('[data-check="ldap.rootdse"][data-status="pass"]').waitFor();
    assert.deepEqual(backend.callsOf('run_checks')[0].args.ids, ['ldap.reachability', 'ldap.rootdse']);
    assert.equal(await page.locator('#field-connection-base_dn').inputValue(), BASE_DN);
    assert.match(await page.locator('[data-field="connection.base_dn"] .proposed').innerText(), /proposed from ldap\.rootdse/);
    const evidence = page.locator('[data-check="ldap.rootdse"] .evidence');
    assert.match(await evidence.innerText(), /default_naming_context\s+DC=corp,DC=example/);

    // The server's FieldError lands under its field; a later step's error is not shown yet.
    await next(page);
    await page.locator('#field-connection-url-error').waitFor();
    assert.match(await page.locator('#field-connection-url-error').innerText(), /must start with ldap:\/\/ or ldaps:\/\//);
    assert.equal(await page.locator('#step-errors').count(), 0, 'no top-level errors for later steps');
    await stepIs(page, 'connection');
    assert.equal(backend.callsOf('run_checks').length, 1, 'checks wait for valid values');

    await page.locator('#field-connection-url').fill('ldaps://dc1.corp.example');
    assert.equal(await page.locator('#field-connection-url-error').count(), 0, 'editing clears the server error');
    await next(page);
    // The values changed since the checks ran: Next runs them again; all pass, so it moves on.
    await stepIs(page, 'security');
    assert.equal(backend.callsOf('run_checks').length, 2);
    const validated = backend.callsOf('validate_draft').at(-1).args.values;
    assert.equal(validated['connection.base_dn'], BASE_DN);
    assert.equal(validated['connection.starttls'], true);
    assert.equal('connection.bind_password_secret' in validated, false);

    // A failing check blocks Next and shows its remediation as numbered steps.
    await next(page);
    const signing = page.locator('[data-check="ldap.signing"]');
    await signing.waitFor();
    assert.equal(await signing.getAttribute('data-status'), 'fail');
    assert.match(await signing.innerText(), /Failed/);
    assert.equal(await signing.locator('ol.remediation li').count(), 2);
    assert.match(await signing.locator('ol.remediation li').first().innerText(), /Group Policy Management/);
    assert.match(await signing.locator('.check-details').innerText(), /simple bind without signing/);
    assert.equal(await page.locator('[data-check="ldap.tls"]').getAttribute('data-status'), 'pass');
    await next(page);
    await stepIs(page, 'security');
    assert.match(await page.locator('.wizard-status').innerText(), /A check failed/);
    assert.equal(backend.callsOf('run_checks').length, 3, 'Next does not re-run unchanged checks');

    // Re-run one check; then all of them.
    state.signingFixed = true;
    await signing.getByRole('button', { name: 'Re-run ldap.signing' }).click();
    await page.locator('[data-check="ldap.signing"][data-status="pass"]').waitFor();
    assert.deepEqual(backend.callsOf('run_checks').at(-1).args.ids, ['ldap.signing']);
    await page.getByRole('button', { name: 'Run checks again', exact: true }).click();
    await backend.waitForCalls('run_checks', 5);
    assert.deepEqual(backend.callsOf('run_checks').at(-1).args.ids, ['ldap.signing', 'ldap.tls']);
    await page.locator('[data-check="ldap.signing"][data-status="pass"]').waitFor();
    await next(page);

    // E-mail attribute: the counts next to the choice; changing it counts again.
    await stepIs(page, 'email');
    await page.locator('[data-count="mail_only"]').waitFor();
    assert.match(await page.locator('[data-count="mail_only"]').innerText(), /Only mail is set\s+3/);
    assert.match(await page.locator('[data-count="both_different"]').innerText(), /6/);
    assert.match(await page.locator('[data-count="eligible"]').innerText(), /39 users can be synced/);
    assert.equal(await page.locator('#field-sync-email_attribute-mail').isChecked(), true);
    await page.getByText('Skipped users and why (1)').click();
    assert.match(await page.locator('.skipped-users').innerText(), /CN=Svc Backup.*no mail/);
    await page.locator('#field-sync-email_attribute-userPrincipalName').check();
    await page.locator('[data-attribute="userPrincipalName"]').waitFor();
    assert.match(await page.locator('[data-count="eligible"]').innerText(), /40 users/);
    assert.equal(backend.callsOf('discover').at(-1).args.values['sync.email_attribute'], 'userPrincipalName');
    await next(page);

    // OU tree: expand, exclude a nested OU; list and text fields.
    await stepIs(page, 'scope');
    const tree = page.locator('#field-sync-excluded_ous');
    await tree.locator('[data-dn="OU=Staff,DC=corp,DC=example"]').waitFor();
    assert.match(await tree.innerText(), /Staff[\s\S]*40 users \(2 directly\)/);
    const contractors = tree.locator('[data-dn="OU=Contractors,OU=Staff,DC=corp,DC=example"]');
    assert.equal(await contractors.isVisible(), true, 'the first level is open');
    await contractors.getByLabel('Exclude Contractors').check();
    await page.locator('#field-sync-user_filter').fill('(department=*)');
    await page.locator('#field-sync-platform_wins_attributes').fill('department\n\n  title  \n');
    await next(page);

    // Groups: one discovery for both pickers; required; filter; the tag badge.
    await stepIs(page, 'groups');
    await page.locator('#field-sync-groups [data-group="Sales"]').waitFor();
    await page.locator('#field-sync-admin_groups [data-group="IT Admins"]').waitFor();
    assert.equal(backend.callsOf('discover').filter((c) => c.args.what === 'groups').length, 1);
    assert.match(
      await page.locator('#field-sync-groups [data-group="Regional Sales Operations Europe Middle East Africa"]').innerText(),
      /too long for a tag/,
    );
    await next(page);
    assert.match(await page.locator('#field-sync-groups-error').innerText(), /Choose at least one group/);
    await page.locator('#field-sync-groups-filter').fill('emea');
    assert.equal(await page.locator('#field-sync-groups li[data-group]').count(), 1);
    await page.locator('#field-sync-groups-filter').fill('sales');
    assert.equal(await page.locator('#field-sync-groups li[data-group]').count(), 2);
    await page.locator('#field-sync-groups [data-group="Sales"]').getByRole('checkbox').check();
    await page.locator('#field-sync-admin_groups [data-group="IT Admins"]').getByRole('checkbox').check();
    await next(page);

    // Numbers: range errors show at once, before Next.
    await stepIs(page, 'mapping');
    assert.equal(await page.locator('#field-sync-max_tag_length').inputValue(), '64');
    await page.locator('#field-sync-max_tag_length').fill('0');
    assert.match(await page.locator('#field-sync-max_tag_length-error').innerText(), /from 1 to 256/);
    await page.locator('#field-sync-max_tag_length').fill('2.5');
    assert.match(await page.locator('#field-sync-max_tag_length-error').innerText(), /whole number/);
    const before = backend.callsOf('validate_draft').length;
    await next(page);
    await stepIs(page, 'mapping');
    assert.equal(backend.callsOf('validate_draft').length, before, 'a client error blocks the server call');
    await page.locator('#field-sync-max_tag_length').fill('48');
    await page.locator('#field-sync-deprovision').selectOption('delete');

    // Back and Next keep every value, including the discovery fields' choices.
    await back(page);
    await stepIs(page, 'groups');
    assert.equal(await page.locator('#field-sync-groups [data-group="Sales"]').getByRole('checkbox').isChecked(), true);
    await back(page);
    await stepIs(page, 'scope');
    assert.equal(await page.locator('#field-sync-user_filter').inputValue(), '(department=*)');
    assert.equal(
      await page.locator('[data-dn="OU=Contractors,OU=Staff,DC=corp,DC=example"]').getByLabel('Exclude Contractors').isChecked(),
      true,
    );
    await back(page);
    await back(page);
    await back(page);
    await stepIs(page, 'connection');
    assert.equal(await page.locator('#field-connection-url').inputValue(), 'ldaps://dc1.corp.example');
    assert.equal(await page.locator('#field-connection-bind_password_secret').inputValue(), '', 'the secret is not shown again');
    assert.equal(await page.getByText('Stored for this setup').count(), 1);
    for (const id of ['security', 'email', 'scope', 'groups', 'mapping']) {
      await next(page);
      await stepIs(page, id);
    }
    assert.equal(await page.locator('#field-sync-max_tag_length').inputValue(), '48');
    await next(page);
    await stepIs(page, 'schedule');
    assert.equal(await page.locator('#field-schedule-enabled').isChecked(), true);
    assert.equal(await page.locator('#field-schedule-interval_minutes').inputValue(), '60');
    await next(page);

    // Preview: counts in the tab labels, the tables behind them.
    await stepIs(page, 'preview');
    await page.getByRole('tab', { name: 'New users (2)' }).waitFor();
    const tabs = await page.getByRole('tab').allInnerTexts();
    assert.deepEqual(tabs, ['New users (2)', 'Updates (1)', 'Deactivations (1)', 'Groups (1)', 'Skipped (1)', 'Notices (1)']);
    // What the guard counted is shown above the plan.
    const guard = page.getByRole('region', { name: 'Access the plan takes away' });
    assert.deepEqual(await guard.locator('li').allTextContents(), ['would deprovision 1 user of 40 synced']);
    assert.equal(await page.locator('#panel-creates tbody tr').count(), 2);
    assert.match(await page.locator('#panel-creates tbody tr').first().innerText(), /alice\s+alice@corp\.example\s+ALICE\s+Yes\s+Sales/);
    await page.getByRole('tab', { name: 'Updates (1)' }).click();
    assert.match(await page.locator('#panel-updates').innerText(), /email: carol@old\.example → carol@corp\.example/);
    await page.getByRole('tab', { name: 'Updates (1)' }).press('ArrowRight');
    assert.match(await page.locator('#panel-deprovisions').innerText(), /dave\s+Deactivate/);
    await page.getByRole('tab', { name: 'Skipped (1)' }).click();
    assert.match(await page.locator('#panel-skipped').innerText(), /CN=Eve.*no mail attribute/);
    assert.equal((await horizontalOverflow(page)).overflow, false);
    await next(page);

    // Save: the summary, then profile_exists offers Replace, which overwrites.
    await stepIs(page, 'save');
    assert.match(await page.locator('[data-summary="connection.bind_password_secret"]').innerText(), /Stored for this setup/);
    assert.match(await page.locator('[data-summary="sync.groups"]').innerText(), /Sales/);
    await page.getByRole('button', { name: 'Save and enable', exact: true }).click();
    await page.getByRole('button', { name: 'Replace', exact: true }).click();
    await page.locator('[data-profile="corp-ad"]').waitFor();
    assert.deepEqual(backend.callsOf('save_profile').map((c) => c.args.overwrite), [false, true]);

    // Everything the wizard collected reached the backend, typed; the secret never again.
    const saved = backend.callsOf('save_profile')[1].args;
    assert.equal(saved.wizard, 'test-ad');
    assert.deepEqual(saved.values, {
      'profile.name': 'corp-ad',
      display_name: 'Corp AD',
      'connection.url': 'ldaps://dc1.corp.example',
      'connection.starttls': true,
      'connection.bind_dn': 'CN=svc-onramp,OU=Service,DC=corp,DC=example',
      'connection.base_dn': BASE_DN,
      'sync.email_attribute': 'userPrincipalName',
      'sync.excluded_ous': ['OU=Contractors,OU=Staff,DC=corp,DC=example'],
      'sync.user_filter': '(department=*)',
      'sync.platform_wins_attributes': ['department', 'title'],
      'sync.groups': ['Sales'],
      'sync.admin_groups': ['IT Admins'],
      'sync.max_tag_length': 48,
      'sync.deprovision': 'delete',
      'schedule.enabled': true,
      'schedule.interval_minutes': 60,
    });
    const validatedLast = backend.callsOf('validate_draft').at(-1).args.values;
    assert.deepEqual(validatedLast['sync.excluded_ous'], ['OU=Contractors,OU=Staff,DC=corp,DC=example']);
    assert.deepEqual(validatedLast['sync.groups'], ['Sales']);
    const others = backend.calls.filter((c) => c.cmd !== 'stage_secret');
    assert.equal(JSON.stringify(others).includes(SECRET), false, 'the secret is only in stage_secret');
    assert.equal(backend.callsOf('stage_secret').length, 1);
    assert.equal((await page.content()).includes(SECRET), false);
    assert.deepEqual(backend.unhandled, []);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('a server error with an empty key is shown at the top of the step and blocks it', async () => {
  const { page, backend, close } = await openApp(browser, server.url, wizardBackend({}));
  try {
    await openWizard(page);
    await page.getByLabel('A read-only service account exists').check();
    await page.getByLabel('A SCIM token is at hand').check();
    await next(page);
    await stepIs(page, 'connection');
    await page.locator('#field-profile-name').fill('taken name');
    await page.locator('#field-connection-url').fill('ldap://dc1');
    await page.locator('#field-connection-bind_dn').fill('CN=x');
    await page.locator('#field-connection-base_dn').fill('DC=x');
    await page.locator('#field-connection-bind_password_secret').fill('pw');
    // Enter commits the secret and submits the step (Next).
    await page.locator('#field-connection-bind_password_secret').press('Enter');
    await page.locator('#step-errors').waitFor();
    assert.match(await page.locator('#step-errors').innerText(), /the profile name has a space/);
    await stepIs(page, 'connection');
    assert.equal(backend.callsOf('stage_secret').length, 1, 'the secret was staged before validating');
    assert.equal(backend.callsOf('run_checks').length, 0);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('a failed command is shown with its remediation, and the step stays', async () => {
  const handlers = wizardBackend({});
  handlers.run_checks = () => {
    throw new Rejection('internal', 'the check runner stopped', ['Restart Onramp.']);
  };
  const { page, close } = await openApp(browser, server.url, handlers);
  try {
    await openWizard(page);
    await page.getByLabel('A read-only service account exists').check();
    await page.getByLabel('A SCIM token is at hand').check();
    await next(page);
    await page.getByRole('button', { name: 'Run checks', exact: true }).click();
    const panel = page.locator('.error-panel', { hasText: 'The checks could not run' });
    await panel.waitFor();
    assert.match(await panel.innerText(), /the check runner stopped[\s\S]*internal[\s\S]*Restart Onramp\./);
    await stepIs(page, 'connection');
  } finally {
    await close();
  }
});
