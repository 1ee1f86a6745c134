// The dashboard in Chromium against a scripted fake backend: health states
// in words, last and next run, Sync Now with streamed progress through a
// Channel, already_running, approving a held run, reloading on events, and
// the empty state.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WIZARD, WIZARDS, profile, run, summary } from './fixtures.mjs';
import { Rejection, deferred, horizontalOverflow, launchBrowser, openApp, serveDist } from './harness.mjs';

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

const now = () => Math.floor(Date.now() / 1000);

function profiles() {
  return [
    profile('green-ad', { state: 'green', summary: 'Last run succeeded' }, {
      last_run: run(41, 'green-ad', 'ok', { summary: summary({ created: 2, updated: 1 }) }),
      next_run_at: now() + 300,
    }),
    profile('yellow-ad', { state: 'yellow', summary: '3 objects failed' }, { last_run: run(42, 'yellow-ad', 'partial') }),
    profile('red-ad', { state: 'red', summary: 'The last run failed' }, { last_run: run(43, 'red-ad', 'failed'), running: true }),
    profile('new-ldap', { state: 'unknown', summary: 'Not run yet' }, { kind_label: 'OpenLDAP', schedule: { enabled: false, interval_minutes: 60 } }),
    profile(
      'broken',
      {
        state: 'invalid',
        summary: 'The profile does not validate',
        error: { code: 'profile_invalid', message: 'connection.url: missing', remediation: ['Add connection.url to the file.'] },
      },
      { kind: null, kind_label: null, schedule: null },
    ),
    profile('held-ad', { state: 'yellow', summary: 'A run is held for approval' }, {
      last_run: run(44, 'held-ad', 'held', { summary: summary({ deprovisioned: 30 }), message: '30 deactivations exceed the guard (10)' }),
    }),
  ];
}

test('shows each profile with its health in words, last run and next sync', async () => {
  const { page, backend, close } = await openApp(browser, server.url, {
    list_profiles: () => ({ dir: '/profiles', profiles: profiles() }),
  });
  try {
    await page.locator('[data-profile="green-ad"]').waitFor();
    const expected = { 'green-ad': ['green', 'Healthy'], 'yellow-ad': ['yellow', 'Attention'], 'red-ad': ['red', 'Failing'], 'new-ldap': ['unknown', 'Unknown'], broken: ['invalid', 'Invalid'] };
    for (const [name, [state, word]] of Object.entries(expected)) {
      const card = page.locator(`[data-profile="${name}"]`);
      assert.equal(await card.getAttribute('data-health'), state);
      assert.match(await card.locator('.badge').innerText(), new RegExp(word));
    }
    const green = page.locator('[data-profile="green-ad"]');
    assert.match(await green.innerText(), /green-ad display/);
    assert.match(await green.innerText(), /Active Directory/);
    assert.match(await green.innerText(), /Last run succeeded/);
    assert.match(await green.locator('.last-run').innerText(), /Succeeded 9 minutes ago · 2 created, 1 updated/);
    assert.match(await green.locator('.next-run').innerText(), /in (4|5) minutes/);
    assert.match(await green.innerText(), /Every 15 minutes/);
    assert.match(await page.locator('[data-profile="new-ldap"] .last-run').innerText(), /Never run/);
    assert.match(await page.locator('[data-profile="new-ldap"] .next-run').innerText(), /Not scheduled/);
    assert.match(await page.locator('[data-profile="new-ldap"]').innerText(), /Manual only/);
    // The invalid profile says why.
    await page.locator('[data-profile="broken"]').getByText('Why this profile is invalid').click();
    assert.match(await page.locator('[data-profile="broken"]').innerText(), /connection\.url: missing[\s\S]*profile_invalid[\s\S]*Add connection\.url/);
    // A running profile's Sync Now is disabled; only the held run offers Approve.
    assert.equal(await page.getByRole('button', { name: 'Sync Now: red-ad display' }).isDisabled(), true);
    assert.match(await page.locator('[data-profile="red-ad"]').innerText(), /A run is in progress/);
    assert.equal(await page.getByRole('button', { name: 'Sync Now: green-ad display' }).isDisabled(), false);
    assert.equal(await page.getByRole('button', { name: 'Approve', exact: true }).count(), 1);
    assert.equal((await horizontalOverflow(page)).overflow, false);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('Sync Now streams progress into the bar and ends with the status', async () => {
  const answer = deferred();
  let listed = 0;
  const { page, backend, close } = await openApp(browser, server.url, {
    list_profiles: () => {
      listed += 1;
      return { dir: '/profiles', profiles: profiles() };
    },
    sync_now: () => answer.promise,
  });
  try {
    await page.getByRole('button', { name: 'Sync Now: green-ad display' }).click();
    const [call] = await backend.waitForCalls('sync_now');
    assert.equal(call.args.profile, 'green-ad');
    assert.match(call.args.on_event, /^__CHANNEL__:\d+$/);
    const card = page.locator('[data-profile="green-ad"]');
    assert.equal(await card.getByRole('button', { name: /Sync Now/ }).isDisabled(), true, 'disabled while running');

    const bar = card.locator('[data-testid="sync-progress"]');
    await backend.channelSend(call.args.on_event, 0, { event: 'started', profile: 'green-ad' });
    await bar.waitFor();
    await backend.channelSend(call.args.on_event, 1, { event: 'progress', phase: 'reading', done: 5, total: 10 });
    await card.getByText('Reading: 5 of 10').waitFor();
    assert.equal(await bar.evaluate((el) => [el.value, el.max].join('/')), '5/10');
    // Messages delivered out of order are put back in order by the channel.
    await backend.channelSend(call.args.on_event, 3, { event: 'progress', phase: 'applying', done: 3, total: 4 });
    await backend.channelSend(call.args.on_event, 2, { event: 'progress', phase: 'planning', done: 1, total: 1 });
    await card.getByText('Applying: 3 of 4').waitFor();
    assert.equal(await bar.evaluate((el) => [el.value, el.max].join('/')), '3/4');
    assert.equal(await bar.getAttribute('data-phase'), 'applying');

    await backend.channelSend(call.args.on_event, 4, { event: 'finished', run: 77, status: 'partial' });
    await backend.channelEnd(call.args.on_event, 5);
    const before = listed;
    answer.resolve({ run: 77, status: 'partial', message: '1 object failed', plan: null });
    const result = card.locator('.sync-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-status'), 'partial');
    assert.match(await result.innerText(), /some objects failed \(run 77\): 1 object failed/);
    assert.equal(await bar.count(), 0);
    assert.equal(await card.getByRole('button', { name: /Sync Now/ }).isEnabled(), true);
    await backend.waitForCalls('list_profiles', before + 1);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('already_running is shown inline on the profile', async () => {
  const { page, backend, close } = await openApp(browser, server.url, {
    list_profiles: () => ({ dir: '/profiles', profiles: profiles() }),
    sync_now: () => {
      throw new Rejection('already_running', 'yellow-ad is already running (scheduled run 50)');
    },
  });
  try {
    await page.getByRole('button', { name: 'Sync Now: yellow-ad display' }).click();
    const error = page.locator('[data-profile="yellow-ad"] [data-error="already_running"]');
    await error.waitFor();
    assert.match(await error.innerText(), /already running \(scheduled run 50\)[\s\S]*already_running/);
    assert.equal(await page.locator('[data-profile="green-ad"] [data-error]').count(), 0);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('Approve asks first, then releases the held run', async () => {
  const { page, backend, close } = await openApp(browser, server.url, {
    list_profiles: () => ({ dir: '/profiles', profiles: profiles() }),
    approve_run: () => null,
  });
  try {
    const card = page.locator('[data-profile="held-ad"]');
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    assert.match(await card.locator('.confirm-box').innerText(), /Run 44 was held: 30 deprovisioned\. 30 deactivations exceed the guard/);
    assert.equal(backend.callsOf('approve_run').length, 0, 'nothing is approved before the confirmation');
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    const listed = backend.callsOf('list_profiles').length;
    await card.getByRole('button', { name: 'Approve run 44' }).click();
    await backend.waitForCalls('approve_run');
    assert.deepEqual(backend.callsOf('approve_run')[0].args, { run_id: 44 });
    await backend.waitForCalls('list_profiles', listed + 1);
  } finally {
    await close();
  }
});

test('health-changed reloads the dashboard; the empty state leads to New integration', async () => {
  let list = [];
  const { page, backend, close } = await openApp(browser, server.url, {
    list_profiles: () => ({ dir: '/home/admin/.config/onramp/profiles', profiles: list }),
    list_wizards: () => WIZARDS,
  });
  try {
    await page.getByText('No integrations yet').waitFor();
    assert.match(await page.locator('.empty-state').innerText(), /\/home\/admin\/\.config\/onramp\/profiles/);
    list = profiles().slice(0, 1);
    assert.equal(await backend.emit('onramp://health-changed', null), 1);
    await page.locator('[data-profile="green-ad"]').waitFor();
    list = [];
    await backend.emit('onramp://health-changed', null);
    await page.getByText('No integrations yet').waitFor();
    await page.locator('.empty-state').getByRole('button', { name: 'New integration' }).click();
    await page.locator('[data-wizard="test-ad"]').waitFor();
    assert.equal(await page.locator('[data-wizard]').count(), 2);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('the empty state opens the Active Directory wizard in one step', async () => {
  const { page, backend, close } = await openApp(browser, server.url, {
    list_profiles: () => ({ dir: '/profiles', profiles: [] }),
    list_wizards: () => WIZARDS,
    get_wizard: () => ({ ...WIZARD, id: 'ad' }),
  });
  try {
    await page.locator('.empty-state').getByRole('button', { name: 'Set up Active Directory' }).click();
    // The heading shows while loading, before the effect has called get_wizard.
    const [call] = await backend.waitForCalls('get_wizard');
    assert.deepEqual(call.args, { id: 'ad' });
    await page.locator('#wizard-heading', { hasText: WIZARD.title }).waitFor();
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});
