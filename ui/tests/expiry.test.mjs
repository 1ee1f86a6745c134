// "Expiring soon" and the rotation view in Chromium against a scripted fake
// backend: which credentials the dashboard lists, the view a reminder's
// click opens (the open-credential event), the live re-check and what its
// outcome says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EXPIRY, checkResult, expiryRow, profile } from './fixtures.mjs';
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

const DAY = 86_400;
const SOON = EXPIRY.items[0];

function handlers(extra = {}) {
  return {
    list_profiles: () => ({ dir: '/profiles', profiles: [profile('corp-ad', { state: 'green', summary: 'ok' })] }),
    expiry_list: () => EXPIRY,
    ...extra,
  };
}

test('the dashboard lists what ends within 30 days, and Renew opens its view', async () => {
  const { page, backend, close } = await openApp(browser, server.url, handlers());
  try {
    const panel = page.locator('section.expiring');
    await panel.getByRole('heading', { name: 'Expiring soon' }).waitFor();
    const rows = panel.locator('li');
    assert.equal(await rows.count(), 1, 'the certificate good for 90 days is not listed');
    assert.equal(await rows.first().getAttribute('data-item'), 'ldap.tls');
    assert.match(await rows.first().innerText(), /ends in 6 days[\s\S]*CN=dc1\.corp\.example[\s\S]*corp-ad display/);
    await rows.first().getByRole('button', { name: 'Renew…' }).click();
    const view = page.locator('section[data-item="ldap.tls"]');
    await view.getByRole('heading', { name: 'Renew a credential' }).waitFor();
    assert.equal(await view.getAttribute('data-profile'), 'corp-ad');
    const facts = await view.locator('.credential-facts').innerText();
    assert.match(facts, /server certificate CN=dc1\.corp\.example/);
    assert.match(facts, /ends in 6 days/);
    assert.match(facts, /the certificate/);
    assert.match(await view.locator('.what-to-do').innerText(), /Renew the certificate on the server/);
    assert.deepEqual(backend.unhandled, []);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('nothing within 30 days: the panel says how many are watched', async () => {
  const { page, close } = await openApp(
    browser,
    server.url,
    handlers({ expiry_list: () => ({ ...EXPIRY, items: [EXPIRY.items[1]] }) }),
  );
  try {
    await page.locator('section.expiring').getByText('Nothing ends within 30 days (1 certificates and secrets watched).').waitFor();
  } finally {
    await close();
  }
});

test('a clicked reminder opens the credential, and a renewed one is confirmed live', async () => {
  const renewed = expiryRow(0, {
    not_after_unix: SOON.not_after_unix + 365 * DAY,
    days_left: SOON.days_left + 365,
    state: 'ok',
    label: 'server certificate CN=dc1.corp.example (seen by ldap.tls)',
  });
  const { page, backend, close } = await openApp(
    browser,
    server.url,
    handlers({ recheck_credential: () => ({ results: [checkResult('ldap.tls')], credential: renewed }) }),
  );
  try {
    await page.locator('[data-profile="corp-ad"]').first().waitFor();
    await backend.emit('onramp://open-credential', { profile: 'corp-ad', item: 'ldap.tls' });
    const view = page.locator('section[data-item="ldap.tls"]');
    await view.getByRole('heading', { name: 'Renew a credential' }).waitFor();
    await view.getByRole('button', { name: 'Check it now' }).click();
    const [call] = await backend.waitForCalls('recheck_credential');
    assert.deepEqual(call.args, { profile: 'corp-ad', item: 'ldap.tls' });
    await view.getByText(/Renewed: the new one ends in 371 days\. The reminders for the old one have ended\./).waitFor();
    assert.match(await view.locator('.credential-facts').innerText(), /ends in 371 days/);
    assert.equal(await view.locator('.recheck-outcome li[data-status="pass"]').count(), 1);
    assert.deepEqual(backend.errors, []);
  } finally {
    await close();
  }
});

test('a failed re-check says the record is unchanged and shows the fix; an error is shown', async () => {
  const failed = { ...checkResult('ldap.tls', 'fail'), remediation: ['Install the renewed certificate on dc1.'] };
  let answer = { results: [failed], credential: expiryRow(0) };
  const { page, close } = await openApp(
    browser,
    server.url,
    handlers({
      recheck_credential: () => {
        if (answer === null) throw new Rejection('profile_not_found', 'no profile corp-ad');
        return answer;
      },
    }),
  );
  try {
    await page.locator('section.expiring li').first().getByRole('button', { name: 'Renew…' }).click();
    const view = page.locator('section[data-item="ldap.tls"]');
    await view.getByRole('button', { name: 'Check it now' }).click();
    await view.getByText('The check failed; the record is unchanged.').waitFor();
    assert.match(await view.locator('.recheck-outcome').innerText(), /Install the renewed certificate on dc1\./);
    answer = null;
    await view.getByRole('button', { name: 'Check it now' }).click();
    await view.getByRole('alert').getByText(/no profile corp-ad/).waitFor();
  } finally {
    await close();
  }
});
