// The page's side of the light tray: a window opened for something shows
// it; a rebuilt window starts on the view it was closed on; an open setup
// asks the shell to keep the window.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EXPIRY, WIZARD, WIZARDS, profile } from './fixtures.mjs';
import { launchBrowser, openApp, serveDist } from './harness.mjs';

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

function handlers(extra = {}) {
  return {
    list_profiles: () => ({ dir: '/profiles', profiles: [profile('corp-ad', { state: 'green', summary: 'ok' })] }),
    expiry_list: () => EXPIRY,
    read_logs: () => ({ file: null, lines: [] }),
    list_wizards: () => WIZARDS,
    get_wizard: () => WIZARD,
    ...extra,
  };
}

test('a window opened for a credential shows it, once', async () => {
  let pending = { view: 'credential', profile: 'corp-ad', item: 'ldap.tls' };
  const { page, backend, close } = await openApp(
    browser,
    server.url,
    handlers({
      take_open_request: () => {
        const target = pending;
        pending = null;
        return target;
      },
    }),
  );
  try {
    await page.locator('section[data-item="ldap.tls"]').getByRole('heading', { name: 'Renew a credential' }).waitFor();
    assert.equal(backend.callsOf('take_open_request').length, 1);
  } finally {
    await close();
  }
});

test('a rebuilt window starts on the view it was closed on; a setup keeps the window', async () => {
  const { page, backend, close } = await openApp(browser, server.url, handlers());
  try {
    await page.locator('[data-profile="corp-ad"]').waitFor();
    const [first] = await backend.waitForCalls('keep_window');
    assert.deepEqual(first.args, { keep: false });
    await page.getByRole('button', { name: 'Logs', exact: true }).click();
    await page.getByRole('heading', { name: 'Logs' }).waitFor();
    // The shell builds a new page in the same WebKit storage.
    await page.reload();
    await page.getByRole('heading', { name: 'Logs' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Logs', exact: true }).getAttribute('aria-current'), 'page');
    // Starting a setup asks the shell to keep the window.
    await page.getByRole('button', { name: 'New integration', exact: true }).click();
    await page.getByRole('button', { name: `Set up ${WIZARDS[0].title}` }).click();
    const calls = await backend.waitForCalls('keep_window', 3);
    assert.deepEqual(calls.at(-1).args, { keep: true });
  } finally {
    await close();
  }
});
