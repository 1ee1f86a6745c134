// Run history and detail, logs, settings, the shell's events, keyboard use
// and the 1024x768 layout, in Chromium against a scripted fake backend.
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

const RUNS = [
  run(12, 'corp-ad', 'partial', {
    summary: summary({ created: 3, failed: 2 }),
    message: 'SCIM answered 409 for 2 users; a very long message that must wrap inside its cell instead of widening the page',
  }),
  run(11, 'corp-ad', 'ok', { mode: 'preview', state: 'preview' }),
  run(10, 'corp-ad', 'failed', { finished_at: null, state: 'running' }),
];

const DETAIL = {
  run: RUNS[0],
  results: [
    { anchor: 'guid-a', action: 'create', outcome: 'ok', message: null, at: 100 },
    { anchor: 'guid-b', action: 'create', outcome: 'failed', message: 'SCIM 409: userName exists', at: 101 },
    { anchor: 'guid-c', action: 'update', outcome: 'ok', message: null, at: 102 },
    { anchor: 'guid-d', action: 'deactivate', outcome: 'failed', message: 'SCIM 500', at: 103 },
  ],
};

function handlers(extra = {}) {
  return {
    list_profiles: () => ({
      dir: '/profiles',
      profiles: [
        profile('corp-ad', { state: 'yellow', summary: '2 objects failed' }, { last_run: RUNS[0] }),
        profile('lab-ldap', { state: 'unknown', summary: 'Not run yet' }),
      ],
    }),
    run_history: ({ profile: name }) => (name === 'corp-ad' ? RUNS : []),
    run_detail: ({ run_id }) => ({ ...DETAIL, run: { ...DETAIL.run, id: run_id } }),
    read_logs: () => ({ file: '/var/log/onramp/onramp.2026-11-22.log', lines: ['2026-11-22T10:00:00Z INFO sync started', '2026-11-22T10:00:05Z WARN 2 objects failed'] }),
    get_settings: () => ({ autostart: false }),
    set_autostart: ({ enabled }) => ({ autostart: enabled }),
    list_wizards: () => WIZARDS,
    get_wizard: () => WIZARD,
    ...extra,
  };
}

const nav = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true }).click();

test('run history opens a run; the detail lists failed objects first and filters by outcome', async () => {
  const { page, backend, close } = await openApp(browser, server.url, handlers());
  try {
    await page.locator('[data-profile="corp-ad"]').getByRole('button', { name: 'History of corp-ad display' }).click();
    await page.locator('tr[data-run="12"]').waitFor();
    assert.deepEqual(backend.callsOf('run_history')[0].args, { profile: 'corp-ad', limit: 100 });
    assert.equal(await page.locator('tbody tr[data-run]').count(), 3);
    const row = await page.locator('tr[data-run="12"]').innerText();
    assert.match(row, /Run 12\s+Apply\s+Partly failed/);
    assert.match(row, /1 min 0 s\s+3 created, 2 failed\s+SCIM answered 409/);
    assert.match(await page.locator('tr[data-run="11"]').innerText(), /Preview/);
    assert.match(await page.locator('tr[data-run="10"]').innerText(), /running/);
    assert.equal((await horizontalOverflow(page)).overflow, false);

    // Choosing another profile reads its history.
    await page.locator('#history-profile').selectOption('lab-ldap');
    await page.getByText('This profile has not run yet.').waitFor();
    await page.locator('#history-profile').selectOption('corp-ad');
    await page.locator('tr[data-run="12"]').waitFor();

    await page.locator('tr[data-run="12"]').getByText('Partly failed').click();
    await page.locator('tr[data-outcome]').first().waitFor();
    assert.deepEqual(backend.callsOf('run_detail')[0].args, { run_id: 12 });
    const outcomes = await page.locator('tbody tr[data-outcome]').evaluateAll((rows) => rows.map((r) => r.dataset.outcome + ':' + r.querySelector('th').textContent));
    assert.deepEqual(outcomes, ['failed:guid-b', 'failed:guid-d', 'ok:guid-a', 'ok:guid-c']);
    assert.match(await page.locator('tr[data-outcome="failed"]').first().innerText(), /guid-b\s+create\s+Failed\s+SCIM 409: userName exists/);
    await page.locator('#result-filter').selectOption('failed');
    assert.equal(await page.locator('tbody tr[data-outcome]').count(), 2);
    await page.locator('#result-filter').selectOption('ok');
    assert.deepEqual(await page.locator('tbody tr[data-outcome]').evaluateAll((rows) => rows.map((r) => r.dataset.outcome)), ['ok', 'ok']);
    await page.getByRole('button', { name: 'Back to history' }).click();
    await page.locator('tr[data-run="12"]').waitFor();
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('logs show the file and its lines, and refresh', async () => {
  const { page, backend, close } = await openApp(browser, server.url, handlers());
  try {
    await nav(page, 'Logs');
    await page.locator('.log-lines').waitFor();
    assert.deepEqual(backend.callsOf('read_logs')[0].args, { lines: 500 });
    assert.match(await page.locator('#log-file').innerText(), /\/var\/log\/onramp\/onramp\.2026-11-22\.log/);
    assert.equal(await page.locator('.log-lines').innerText(), '2026-11-22T10:00:00Z INFO sync started\n2026-11-22T10:00:05Z WARN 2 objects failed');
    assert.match(await page.locator('.log-lines').evaluate((el) => getComputedStyle(el).fontFamily), /mono/i);
    await page.locator('section[aria-labelledby="logs-heading"]').getByRole('button', { name: 'Refresh' }).click();
    await backend.waitForCalls('read_logs', 2);
  } finally {
    await close();
  }
});

test('settings toggle autostart', async () => {
  const { page, backend, close } = await openApp(browser, server.url, handlers());
  try {
    await nav(page, 'Settings');
    const box = page.getByLabel('Start Onramp in the tray when I log in');
    await box.waitFor();
    assert.equal(await box.isChecked(), false);
    await box.check();
    await backend.waitForCalls('set_autostart');
    assert.deepEqual(backend.callsOf('set_autostart')[0].args, { enabled: true });
    assert.equal(await box.isChecked(), true);
  } finally {
    await close();
  }
});

test('a refused autostart change shows why and puts the box back', async () => {
  const answer = deferred();
  const { page, backend, close } = await openApp(
    browser,
    server.url,
    handlers({ set_autostart: () => answer.promise }),
  );
  try {
    await nav(page, 'Settings');
    const box = page.getByLabel('Start Onramp in the tray when I log in');
    await box.check();
    await backend.waitForCalls('set_autostart');
    assert.equal(await box.isChecked(), true, 'the box shows the value being saved');
    assert.equal(await box.isDisabled(), true, 'and cannot be toggled again meanwhile');
    answer.reject(new Rejection('io', 'cannot change starting at login: permission denied'));
    await page.getByRole('alert').getByText(/permission denied/).waitFor();
    assert.equal(await box.isChecked(), false);
    assert.equal(await box.isDisabled(), false);
  } finally {
    await close();
  }
});

test('open-run and open-dashboard events navigate', async () => {
  const { page, backend, close } = await openApp(browser, server.url, handlers());
  try {
    await page.locator('[data-profile="corp-ad"]').waitFor();
    await backend.emit('onramp://open-run', { profile: 'corp-ad', run_id: 31 });
    await page.getByRole('heading', { name: /Run 31/ }).waitFor();
    // The heading shows while loading, before the effect has called run_detail.
    const [call] = await backend.waitForCalls('run_detail');
    assert.deepEqual(call.args, { run_id: 31 });
    await backend.emit('onramp://open-dashboard', null);
    await page.locator('[data-profile="corp-ad"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Dashboard', exact: true }).getAttribute('aria-current'), 'page');
  } finally {
    await close();
  }
});

test('keyboard: Tab reaches the buttons with a visible focus, Enter activates them', async () => {
  const { page, backend, close } = await openApp(browser, server.url, handlers({ sync_now: () => new Promise(() => undefined) }));
  try {
    await page.locator('[data-profile="corp-ad"]').waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    const tabTo = async (text) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if ((await focused()) === text) return;
      }
      throw new Error(`Tab never reached "${text}"`);
    };
    await tabTo('Sync Now');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused button shows a focus ring');
    await page.keyboard.press('Enter');
    await backend.waitForCalls('sync_now');
    assert.equal(backend.callsOf('sync_now')[0].args.profile, 'corp-ad');

    // Navigation by keyboard: the heading of the new view gets the focus.
    await page.locator('body').focus();
    await page.evaluate(() => document.activeElement.blur());
    await tabTo('Logs');
    await page.keyboard.press('Enter');
    await page.locator('.log-lines').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'logs-heading');

    // In the wizard: Tab reaches Next, Enter goes on.
    await page.evaluate(() => document.activeElement.blur());
    await tabTo('New integration');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: `Set up ${WIZARD.title}` }).focus();
    await page.keyboard.press('Enter');
    await page.locator('form[data-step="prerequisites"]').waitFor();
    await page.locator('#item-prerequisites-account').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await tabTo('Next');
    await page.keyboard.press('Enter');
    await page.locator('form[data-step="connection"]').waitFor();
  } finally {
    await close();
  }
});

test('at 1024x768 no view scrolls sideways', async () => {
  const { page, close } = await openApp(browser, server.url, handlers());
  try {
    await page.locator('[data-profile="corp-ad"]').waitFor();
    const views = [
      ['Dashboard', '[data-profile="corp-ad"]'],
      ['New integration', '[data-wizard="test-ad"]'],
      ['Run history', 'tr[data-run="12"]'],
      ['Logs', '.log-lines'],
      ['Settings', '#setting-autostart'],
    ];
    for (const [name, ready] of views) {
      await nav(page, name);
      await page.locator(ready).first().waitFor();
      const o = await horizontalOverflow(page);
      assert.equal(o.overflow, false, `${name}: document ${o.scrollWidth}px wide in a ${o.clientWidth}px window`);
    }
    await nav(page, 'New integration');
    await page.getByRole('button', { name: `Set up ${WIZARD.title}` }).click();
    await page.locator('form[data-step="prerequisites"]').waitFor();
    await page.getByLabel('A read-only service account exists').check();
    await page.getByLabel('A SCIM token is at hand').check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.locator('form[data-step="connection"]').waitFor();
    assert.equal((await horizontalOverflow(page)).overflow, false, 'wizard form step');
  } finally {
    await close();
  }
});
