// The wizards the app ships (wizards/*.toml, as get_wizard sends them: exported
// by src-tauri/src/ipc/fixtures.rs) rendered and walked from the first step to
// saving: every field gets its stable id, the long texts fit a 1024x768
// window, and the required fields are the ones the walk has to fill.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_DN, BUILTIN_WIZARDS, GROUPS, OUS, PREVIEW, checkResult, emailReport, profile } from './fixtures.mjs';
import { horizontalOverflow, launchBrowser, openApp, serveDist } from './harness.mjs';

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

/** Fills a required field that is still empty, the way an admin would. */
async function fillRequired(page, field) {
  const id = `#field-${field.key.replaceAll('.', '-')}`;
  switch (field.type) {
    case 'text':
    case 'dn':
      if ((await page.locator(id).inputValue()) === '') await page.locator(id).fill('svc-onramp@corp.example');
      break;
    case 'url':
      if ((await page.locator(id).inputValue()) === '') await page.locator(id).fill('ldaps://dc1.corp.example');
      break;
    case 'secret':
      await page.locator(id).fill('pw');
      await page.locator(id).press('Tab');
      await page.locator(`${id}-status`, { hasText: 'Stored' }).waitFor();
      break;
    case 'group_picker':
      await page.locator(`${id} li[data-group] input`).first().check();
      break;
    default:
      break;
  }
}

for (const wizard of BUILTIN_WIZARDS) {
  test(`the shipped wizard ${wizard.id} renders and walks to Save`, async () => {
    assert.ok(wizard.steps.length > 3, 'a real wizard has steps');
    const { page, backend, close } = await openApp(browser, server.url, {
      list_profiles: () => ({ dir: '/profiles', profiles: [] }),
      list_wizards: () => [{ id: wizard.id, kind: wizard.kind, title: wizard.title, summary: wizard.summary }],
      get_wizard: () => wizard,
      validate_draft: () => ({ errors: [], profile_name: 'corp' }),
      stage_secret: () => null,
      // The check a field proposes from carries that field's evidence key.
      run_checks: ({ ids }) =>
        ids.map((id) => {
          const wanted = wizard.steps.flatMap((s) => s.fields).filter((f) => f.propose?.check === id);
          const result = checkResult(id);
          return wanted.length === 0 ? result : { ...result, evidence: wanted.map((f) => ({ key: f.propose.evidence, value: BASE_DN })) };
        }),
      discover: ({ what, values }) =>
        what === 'ous' ? { what, ous: OUS } : what === 'groups' ? { what, groups: GROUPS } : { what, email: emailReport(values['sync.email_attribute'] ?? 'mail') },
      preview_draft: () => PREVIEW,
      save_profile: () => profile('corp', { state: 'unknown', summary: 'Not run yet' }),
    });
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New integration' }).click();
      await page.getByRole('button', { name: `Set up ${wizard.title}` }).click();
      for (const [i, step] of wizard.steps.entries()) {
        await page.locator(`form[data-step="${step.id}"]`).waitFor();
        for (const item of step.items) await page.locator(`#item-${step.id}-${item.id}`).check();
        for (const field of step.fields) {
          const el = page.locator(`#field-${field.key.replaceAll('.', '-')}`);
          assert.equal(await el.count(), 1, `${step.id}: ${field.key} has its id`);
          if (field.required) await fillRequired(page, field);
        }
        if (step.kind === 'preview') await page.getByRole('tab', { name: 'New users (2)' }).waitFor();
        const o = await horizontalOverflow(page);
        assert.equal(o.overflow, false, `${step.id}: ${o.scrollWidth}px wide in ${o.clientWidth}px`);
        if (i === wizard.steps.length - 1) break;
        // A fresh check run that proposed a value stops once; the second Next goes on.
        for (let attempt = 0; attempt < 3; attempt++) {
          await page.getByRole('button', { name: 'Next', exact: true }).click();
          const moved = page.locator(`form[data-step="${wizard.steps[i + 1].id}"]`);
          const stayed = page.locator('.wizard-status', { hasText: /proposed|warn/ });
          await moved.or(stayed).first().waitFor();
          if (await moved.count()) break;
        }
      }
      await page.getByRole('button', { name: 'Save and enable', exact: true }).click();
      await backend.waitForCalls('save_profile');
      await page.locator('#dashboard-heading').waitFor();
      const proposedBase = wizard.steps.flatMap((s) => s.fields).find((f) => f.propose !== undefined);
      if (proposedBase !== undefined) {
        assert.equal(backend.callsOf('save_profile')[0].args.values[proposedBase.key], BASE_DN);
      }
      assert.deepEqual(backend.unhandled, []);
      assert.deepEqual(backend.errors, []);
    } finally {
      await close();
    }
  });
}
