// "Export diagnostic bundle" in Chromium against a scripted fake backend:
// the files are listed with what was removed before anything is saved, the
// save sends the preview's id, and a failure is shown with its remedy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BUNDLE_PREVIEW, profile, run } from './fixtures.mjs';
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

function handlers(extra = {}) {
  return {
    list_profiles: () => ({ dir: '/profiles', profiles: [profile('corp-ad', { state: 'red', summary: 'failed' })] }),
    get_settings: () => ({ autostart: false }),
    diagnostics_preview: () => BUNDLE_PREVIEW,
    ...extra,
  };
}

test('Settings: the bundle is listed with what was removed, then saved', async () => {
  const { page, backend, close } = await openApp(
    browser,
    server.url,
    handlers({ diagnostics_save: ({ id }) => ({ path: `/data/diagnostics/bundle-${id}.zip`, bytes: 5120 }) }),
  );
  try {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Export diagnostic bundle…' }).click();
    const table = page.locator('table.bundle-files');
    await table.waitFor();
    assert.equal(await table.locator('tbody tr').count(), 3);
    assert.match(await table.locator('tr[data-path="profiles/corp-ad.toml"]').innerText(), /900 bytes\s+1 secret or token/);
    assert.match(await table.locator('tr[data-path="logs/onramp.2025-12-02.log"]').innerText(), /3 secrets or tokens/);
    assert.match(await table.locator('tr[data-path="manifest.json"]').innerText(), /—/);
    assert.match(await page.locator('.bundle-notes').innerText(), /posture/);
    assert.equal(backend.callsOf('diagnostics_save').length, 0, 'nothing is saved before the admin says so');
    await page.getByRole('button', { name: 'Save bundle' }).click();
    await page.getByText('Saved /data/diagnostics/bundle-7.zip (5120 bytes). Attach it to your support request.').waitFor();
    assert.deepEqual(backend.callsOf('diagnostics_save')[0].args, { id: 7 });
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('a failed run offers the bundle; a failed save says why', async () => {
  const failed = run(43, 'corp-ad', 'failed', { message: 'reading the directory failed' });
  const { page, close } = await openApp(
    browser,
    server.url,
    handlers({
      run_detail: () => ({ run: failed, results: [] }),
      diagnostics_save: () => {
        throw new Rejection('io', 'cannot write the diagnostic bundle /data/diagnostics/x.zip: disk full');
      },
    }),
  );
  try {
    await page.locator('[data-profile="corp-ad"]').waitFor();
    await page.evaluate(() => window.__testEmit('onramp://open-run', { profile: 'corp-ad', run_id: 43 }));
    await page.getByRole('heading', { name: 'Ask for help' }).waitFor();
    await page.getByRole('button', { name: 'Export diagnostic bundle…' }).click();
    await page.getByRole('button', { name: 'Save bundle' }).click();
    await page.getByRole('alert').getByText(/disk full/).waitFor();
  } finally {
    await close();
  }
});
