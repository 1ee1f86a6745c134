// Updates in Chromium against a scripted fake backend: the banner shows the
// offered version and its notes, installs only on the click, reports a
// refused install with its remedy and keeps the offer; Settings checks on
// demand and says why there is nothing newer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UPDATE_NOT_CHECKED, profile, updateStatus } from './fixtures.mjs';
import { Rejection, launchBrowser, openApp, serveDist } from './harness.mjs';

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

const base = {
  list_profiles: () => ({ dir: '/profiles', profiles: [profile('corp-ad', { state: 'green', summary: 'ok' })] }),
  get_settings: () => ({ autostart: false }),
};

const REFUSED = {
  code: 'untrusted',
  message: "the download of Onramp 0.2.0 was refused and nothing was installed: its signature does not verify with Onramp's release key",
  remediation: ['Do not install this file by hand.'],
};

test('an offered release is shown with its notes and installed only on the click', async () => {
  const { page, backend, close } = await openApp(browser, server.url, {
    ...base,
    update_status: () => updateStatus(),
    update_install: () => updateStatus({ phase: 'installed', offer: null }),
    update_restart: () => null,
  });
  try {
    const banner = page.getByRole('region', { name: 'Update available' });
    await banner.waitFor();
    assert.match(await banner.innerText(), /Update available: Onramp 0\.2\.0 \(you have 0\.1\.0\)/);
    await banner.getByText('What is new').click();
    await banner.getByText('Fixes the tray on GNOME.').waitFor();
    assert.equal(backend.callsOf('update_install').length, 0, 'nothing is installed before the click');
    await banner.getByRole('button', { name: 'Install update' }).click();
    await page.getByText('The update is installed.').waitFor();
    await page.getByRole('button', { name: 'Restart Onramp' }).click();
    for (let i = 0; i < 50 && backend.callsOf('update_restart').length === 0; i++) await page.waitForTimeout(20);
    assert.equal(backend.callsOf('update_restart').length, 1);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('a refused install says why and keeps the offer to try again', async () => {
  let failed = false;
  const { page, backend, close } = await openApp(browser, server.url, {
    ...base,
    update_status: () => (failed ? updateStatus({ phase: 'failed', error: REFUSED }) : updateStatus()),
    update_install: () => {
      failed = true;
      throw new Rejection(REFUSED.code, REFUSED.message, REFUSED.remediation);
    },
  });
  try {
    const banner = page.getByRole('region', { name: 'Update available' });
    await banner.getByRole('button', { name: 'Install update' }).click();
    await banner.getByRole('alert').getByText(/does not verify with Onramp's release key/).waitFor();
    assert.match(await banner.getByRole('alert').innerText(), /untrusted[\s\S]*Do not install this file by hand/);
    await banner.getByRole('button', { name: 'Try the install again' }).waitFor();
    assert.equal(backend.callsOf('update_install').length, 1);
  } finally {
    await close();
  }
});

test('a status pushed by the daily check shows the banner', async () => {
  const { page, backend, close } = await openApp(browser, server.url, base);
  try {
    await page.locator('html[data-listening]').waitFor({ state: 'attached' });
    assert.equal(await page.getByRole('region', { name: 'Update available' }).count(), 0);
    assert.equal(await backend.emit('onramp://update-changed', updateStatus()), 1);
    await page.getByRole('region', { name: 'Update available' }).waitFor();
  } finally {
    await close();
  }
});

test('Settings checks on demand and explains an older release on the server', async () => {
  const { page, backend, close } = await openApp(browser, server.url, {
    ...base,
    update_status: () => UPDATE_NOT_CHECKED,
    update_check: () => ({ ...UPDATE_NOT_CHECKED, phase: 'up_to_date', newest: '0.0.9', checked_at: 1_796_200_000 }),
  });
  try {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const panel = page.locator('.update-settings');
    await panel.getByText('Not checked yet.').waitFor();
    assert.match(await panel.innerText(), /Onramp 0\.1\.0/);
    await panel.getByRole('button', { name: 'Check for updates' }).click();
    await panel.getByText(/You have the newest version\. \(The server offers 0\.0\.9, which is older and is not installed\.\)/).waitFor();
    assert.equal(backend.callsOf('update_check').length, 1);
    assert.equal(await page.getByRole('region', { name: 'Update available' }).count(), 0);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('Settings shows a failed check with its remedy', async () => {
  const unreachable = {
    code: 'io',
    message: 'cannot reach the update server updates.example.com (error sending request)',
    remediation: ['Check that this machine can open https://updates.example.com/ (a proxy or firewall may block it).'],
  };
  const { page, close } = await openApp(browser, server.url, {
    ...base,
    update_status: () => ({ ...UPDATE_NOT_CHECKED, phase: 'failed', error: unreachable, checked_at: 1_796_200_000 }),
  });
  try {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const alert = page.locator('.update-settings').getByRole('alert');
    await alert.getByText(/cannot reach the update server updates\.example\.com/).waitFor();
    assert.match(await alert.innerText(), /proxy or firewall/);
  } finally {
    await close();
  }
});
