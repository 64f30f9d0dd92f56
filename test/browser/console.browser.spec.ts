import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Locator, Page } from 'playwright-core';
import { UsageFlusher } from '../../apps/key-service/src/keys/using/usage-flusher.service';
import { BrowserSession, ensureChromium, launchChromium } from '../support/chromium';
import { ensureConsoleBuilt } from '../support/console-build';
import { waitUntil } from '../support/kafka-topic.collector';
import { startTestApp, TEST_ROOT_KEY, TestApp } from '../support/test-app';

// UPDATE_SCREENSHOTS=1 writes the README's screenshots into docs/console; otherwise they go to a
// temporary directory, so a normal run never touches the working tree.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? resolve(__dirname, '../../docs/console') : mkdtempSync(join(tmpdir(), 'console-shots-'));
const SESSION_ITEM = 'key-service.console.key';

/**
 * The operator console driven in Chromium against the real service (embedded mode): one operator
 * of tenant acme signs in with an admin key and takes a key through its life, every step through
 * the screens, every check against the API or the page the operator sees.
 */
describe('The operator console', () => {
  let svc: TestApp;
  let browser: BrowserSession;
  let page: Page;
  let admin: { id: string; key: string };
  let foreign: { id: string; name: string };
  let secret: string;
  let rotatedSecret: string;
  let createdAt: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ensureChromium();
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    svc = await startTestApp();
    const made = await svc.request('POST', '/v1/keys', { body: { name: 'acme console operator', tenant: 'acme', roles: ['admin'] } });
    expect(made.status).toBe(201);
    admin = { id: made.body.id, key: made.body.key };
    const other = await svc.request('POST', '/v1/keys', { body: { name: 'globex-private-key', id: 'globex-billing', tenant: 'globex', owner: 'globex-ops' } });
    expect(other.status).toBe(201);
    foreign = { id: other.body.id, name: other.body.name };
    browser = await launchChromium();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: svc.baseUrl });
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 15 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  async function shot(name: string, mask: Locator[] = []): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, mask, animations: 'disabled' });
  }

  /** From an address inside the allowlist the console gives the key it creates. */
  async function verify(key: string): Promise<string> {
    const answer = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key, ip: '10.0.0.1' } });
    expect(answer.status).toBe(200);
    return answer.body.code;
  }

  const dialog = () => page.locator('dialog[open]');
  const region = (name: string | RegExp) => page.getByRole('region', { name });

  it('serves the console under a strict CSP that the verify route does not carry', async () => {
    const index = await fetch(`${svc.baseUrl}/console/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await index.text()).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    const redirect = await fetch(`${svc.baseUrl}/console`, { redirect: 'manual' });
    expect([301, 302]).toContain(redirect.status);
    const verifyAnswer = await fetch(`${svc.baseUrl}/v1/keys/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":"sk_nope"}' });
    expect(verifyAnswer.headers.get('content-security-policy')).toBeNull();
  });

  it('signs in with a management key kept in sessionStorage only', async () => {
    await page.goto(`${svc.baseUrl}/console/`);
    await shot('sign-in');
    await page.locator('input[name=key]').fill('sk_not_a_real_key_000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /401/);
    await page.locator('input[name=key]').fill(admin.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByTestId('signed-in-as'), new RegExp(`${admin.id} · tenant acme · admin`));
    expect(await page.evaluate<string | null>(`sessionStorage.getItem('${SESSION_ITEM}')`)).toBe(admin.key);
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);
    expect(await browser.context.cookies()).toEqual([]);
    expect(page.url()).not.toContain(admin.key);
  });

  it("lists the tenant's keys and never another tenant's", async () => {
    await page.locator(`tr[data-key-id="${admin.id}"]`).waitFor();
    expect(await page.locator('table.keys').textContent()).not.toContain(foreign.name);
    expect(await page.content()).not.toContain(foreign.id);
    // Even by address: the API refuses a tenant-bound key another tenant, and the console shows why.
    await page.goto(`${svc.baseUrl}/console/#/keys/globex/${foreign.id}`);
    await expectText(page.getByRole('alert'), /403: Only the root key may name another tenant/);
    expect(await page.content()).not.toContain(foreign.name);
  });

  it('creates a key with limits and shows its secret once, with a copy button', async () => {
    await page.goto(`${svc.baseUrl}/console/#/keys/new`);
    const form = page.getByRole('form', { name: 'Create a key' });
    await form.locator('input[name=id]').fill('payments-api');
    await form.locator('input[name=name]').fill('payments');
    await form.locator('input[name=roles]').fill('charge, refund');
    await form.locator('input[name=owner]').fill('alice');
    await form.locator('input[name=environment]').fill('production');
    await form.locator('textarea[name=annotations]').fill('team=billing');
    await form.locator('textarea[name=allowedIps]').fill('10.0.0.0/8\n2001:DB8::/32');
    await form.locator('input[name=permissions]').fill('payments.charge, payments.refund');
    await form.locator('input[name=rateLimited]').check();
    await form.locator('input[name=rateLimit]').fill('3');
    await form.locator('input[name=rateWindowSeconds]').fill('60');
    await form.locator('input[name=quotaOn]').check();
    await form.locator('input[name=quotaRemaining]').fill('100');
    await shot('create');
    await form.getByRole('button', { name: 'Create key' }).click();
    await expectText(dialog().locator('h2'), /Key created/);
    await expectText(dialog(), /It will not be shown again/);
    secret = (await page.getByTestId('secret').textContent()) ?? '';
    expect(secret).toMatch(/^sk_/);
    await dialog().getByRole('button', { name: 'Copy' }).click();
    await expectText(dialog().getByRole('status'), /Copied/);
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
    await shot('secret-dialog', [page.getByTestId('secret')]);
    const stored = await svc.request('GET', '/v1/keys/payments-api?tenant=acme');
    expect(stored.body).toMatchObject({ name: 'payments', roles: ['charge', 'refund'], owner: 'alice', environment: 'production', annotations: { team: 'billing' }, rateLimit: { limit: 3, durationMs: 60000 }, quota: { remaining: 100 } });
    expect(stored.body).toMatchObject({ allowedIps: ['10.0.0.0/8', '2001:db8::/32'], permissions: ['payments.charge', 'payments.refund'] });
    createdAt = stored.body.createdAt;
    await dialog().getByRole('button', { name: /open the key/ }).click();
    await expectText(region('Now').locator('[data-field=name]'), /^payments$/);
    await expectText(region('Now').locator('[data-field=allowedIps]'), /^10\.0\.0\.0\/8, 2001:db8::\/32$/);
    await expectText(region('Now').locator('[data-field=permissions]'), /^payments\.charge, payments\.refund$/);
    expect(page.url()).not.toContain(secret);
  });

  it("shows the key's verifications on its chart, stacked by outcome", async () => {
    // Four verifications against a limit of three per minute: three VALID, one RATE_LIMITED.
    const codes = [await verify(secret), await verify(secret), await verify(secret), await verify(secret)];
    expect(codes).toEqual(['VALID', 'VALID', 'VALID', 'RATE_LIMITED']);
    await svc.app.get(UsageFlusher).flush();
    const summary = page.getByTestId('verifications-summary');
    try {
      await waitUntil(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return /4 verifications/.test((await summary.textContent()) ?? '');
        },
        30_000,
        () => 'the chart to show the four verifications',
      );
      await expectText(summary, /VALID 3, RATE_LIMITED 1/);
      expect(await page.locator('.chart-canvas canvas').count()).toBeGreaterThan(0);
    } finally {
      await shot('key');
    }
  });

  it('shows the verifications in the keys table: a sparkline and the rate-limited badge', async () => {
    await page.getByRole('link', { name: 'Keys' }).click();
    const row = page.locator('tr[data-key-id="payments-api"]');
    try {
      await expectText(row, /rate-limited in the last hour/);
      await expectText(row.locator('svg.sparkline title'), /4 verifications in 36 hours/);
    } finally {
      await shot('keys');
      await page.goto(`${svc.baseUrl}/console/#/keys/acme/payments-api`);
    }
  });

  it('edits the key, roles and limits, against the version it showed', async () => {
    // An instant strictly between the creation and this edit, to the second the time picker takes.
    const between = Math.ceil(Date.parse(createdAt) / 1000) * 1000;
    while (Date.now() <= between + 1000) await new Promise((r) => setTimeout(r, 100));
    await page.getByRole('group', { name: 'Key actions' }).getByRole('button', { name: 'Edit' }).click();
    await dialog().locator('input[name=name]').fill('payments v2');
    await dialog().locator('input[name=roles]').fill('charge');
    await dialog().locator('input[name=rateLimit]').fill('100');
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expectText(region('Now').locator('[data-field=name]'), /^payments v2$/);
    await expectText(region('Now').locator('[data-field=rateLimit]'), /100 per 60 s/);
    expect((await svc.request('GET', '/v1/keys/payments-api?tenant=acme')).body).toMatchObject({ name: 'payments v2', roles: ['charge'], rateLimit: { limit: 100 } });
    // The typed instant shows the key as created.
    await page.locator('input[name=at]').fill(new Date(between).toISOString().slice(0, 19));
    await page.getByRole('button', { name: 'Show' }).click();
    const past = region(/^As it was at /);
    await expectText(past.locator('[data-field=name]'), /^payments$/);
    await expectText(past.locator('[data-field=roles]'), /^charge, refund$/);
    await expectText(past.locator('[data-field=rateLimit]'), /3 per 60 s/);
  });

  it("shows a stale edit's 412 as a clear message and changes nothing", async () => {
    await page.getByRole('group', { name: 'Key actions' }).getByRole('button', { name: 'Edit' }).click();
    await dialog().locator('input[name=name]').fill('payments v3');
    // Someone else changes the key while the form is open.
    const meanwhile = await svc.request('PATCH', '/v1/keys/payments-api?tenant=acme', { body: { description: 'changed meanwhile' } });
    expect(meanwhile.status).toBe(200);
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expectText(dialog().getByRole('alert'), /^412: Key 'payments-api' has changed: If-Match names version \d+, the key is at version \d+$/);
    await expectText(dialog(), /Someone changed this key after you opened the form/);
    await shot('stale-edit');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    expect((await svc.request('GET', '/v1/keys/payments-api?tenant=acme')).body.name).toBe('payments v2');
  });

  it('rotates the key with a grace period and shows the new secret once', async () => {
    await page.getByRole('group', { name: 'Key actions' }).getByRole('button', { name: 'Rotate' }).click();
    await dialog().getByLabel('1 hour').check();
    await dialog().getByRole('button', { name: 'Rotate' }).click();
    await expectText(dialog(), /It will not be shown again/);
    rotatedSecret = (await page.getByTestId('secret').textContent()) ?? '';
    expect(rotatedSecret).toMatch(/^sk_/);
    expect(rotatedSecret).not.toBe(secret);
    await expectText(page.getByTestId('previous-valid-until'), /The previous secret verifies until/);
    await shot('rotate', [page.getByTestId('secret')]);
    await dialog().getByRole('button', { name: 'Done' }).click();
    expect(await verify(rotatedSecret)).toBe('VALID');
    expect(await verify(secret)).toBe('VALID');
  });

  it('revokes the key with a reason, after a confirmation', async () => {
    await page.getByRole('group', { name: 'Key actions' }).getByRole('button', { name: 'Revoke' }).click();
    await dialog().locator('textarea[name=reason]').fill('leaked in a CI log');
    const confirm = dialog().getByRole('button', { name: 'Revoke permanently' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog().locator('input[name=confirm]').check();
    await confirm.click();
    await expectText(page.locator('h1 .badge'), /^revoked$/);
    expect(await verify(rotatedSecret)).toBe('REVOKED');
    // A revoke ends the grace period too: the old secret is no longer known at all.
    expect(await verify(secret)).toBe('NOT_FOUND');
  });

  it('finds each change with its actor in the history, the audit log and the key as it was', async () => {
    const history = region('History');
    const actor = (type: string) => history.locator(`tr[data-event-type=${type}] td[data-column=actor]`);
    await expectText(actor('KeyRevoked'), new RegExp(`^key ${admin.id}$`));
    expect(await actor('KeyCreated').textContent()).toBe(`key ${admin.id}`);
    expect(await actor('KeyRotated').textContent()).toBe(`key ${admin.id}`);
    expect(await actor('KeyUpdated').allTextContents()).toEqual([`key ${admin.id}`, 'root']);
    // Each row leads to the key as it was right then.
    await history.locator('tr[data-event-type=KeyRotated]').getByRole('button', { name: 'Key at this instant' }).click();
    const past = region(/^As it was at /);
    await expectText(past.locator('[data-field=name]'), /^payments v2$/);
    await expectText(past.locator('.badge').first(), /^active$/);
    await shot('key-history');

    await page.getByRole('link', { name: 'Audit' }).click();
    const filters = page.getByRole('form', { name: 'Audit filters' });
    await filters.locator('input[name=keyId]').fill('payments-api');
    await filters.locator('input[name=actor]').fill(admin.id);
    await filters.getByRole('button', { name: 'Apply' }).click();
    const table = page.locator('table.audit');
    await expectText(table, /KeyRevoked/);
    const types = await Promise.all((await table.locator('tbody tr').all()).map((row) => row.getAttribute('data-event-type')));
    expect([...new Set(types)].sort()).toEqual(['KeyCreated', 'KeyRevoked', 'KeyRotated', 'KeyUpdated']);
    expect(await table.locator('td[data-column=actor]').allTextContents()).toEqual(types.map(() => `key ${admin.id}`));
    await shot('audit');
    await filters.locator('input[name=keyId]').fill('');
    await filters.locator('input[name=actor]').fill('');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expectText(table, new RegExp(admin.id));
    expect(await table.textContent()).not.toContain(foreign.id);
  });

  it('sends the operator back to sign-in once the sign-in key is revoked', async () => {
    expect((await svc.request('POST', `/v1/keys/${admin.id}/revoke?tenant=acme`, { body: { reason: 'operator left' } })).status).toBe(200);
    await page.getByRole('link', { name: 'Keys' }).click();
    await expectText(page.getByRole('status'), /Signed out: .*REVOKED/);
    expect(await page.evaluate<string | null>(`sessionStorage.getItem('${SESSION_ITEM}')`)).toBeNull();
  });

  it('lets the root key see every tenant, and signing out forgets the key', async () => {
    await page.locator('input[name=key]').fill(TEST_ROOT_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByTestId('signed-in-as'), /root key/);
    await expectText(page.locator(`tr[data-key-id="${foreign.id}"]`), /globex/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });

  it('ran without a Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
  });
});

/** Waits for the locator to show text matching `pattern`; fails with what it showed instead. */
async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
  let seen: string[] = [];
  await waitUntil(
    async () => {
      seen = await locator.allTextContents().catch(() => []);
      return seen.some((text) => pattern.test(text.trim()));
    },
    20_000,
    () => `${pattern} in ${JSON.stringify(seen)}`,
  ).catch((error: Error) => {
    throw new Error(error.message);
  });
}
