import { UsageFlusher } from '../../apps/key-service/src/keys/using/usage-flusher.service';
import { startTestApp, TestApp } from '../support/test-app';

type Bucket = { start: string; total: number; counts: Record<string, number> };

/** Every code's answers over all buckets, and their total. */
function summed(buckets: Bucket[]): Record<string, number> {
  const sums: Record<string, number> = { total: 0 };
  for (const b of buckets) {
    expect(b.total).toBe(Object.values(b.counts).reduce((s, n) => s + n, 0));
    sums.total += b.total;
    for (const [code, n] of Object.entries(b.counts)) sums[code] = (sums[code] ?? 0) + n;
  }
  return sums;
}

describe('Verification analytics over HTTP (embedded mode)', () => {
  let svc: TestApp;
  const ids: Record<string, string> = {};
  const keys: Record<string, string> = {};
  let from: string;

  const verify = (key: string, roles?: string[]) =>
    svc.request('POST', '/v1/keys/verify', { key: null, body: { key, ...(roles ? { roles } : {}) } });
  const keyUsedEvents = async (id: string) =>
    (await svc.request('GET', `/v1/keys/${id}/events?limit=500`)).body.items.filter((e: { type: string }) => e.type === 'KeyUsed');

  beforeAll(async () => {
    // Windows far longer than the test: the only flush is the one the test asks for.
    svc = await startTestApp({ USAGE_WINDOW_SECONDS: '3600', USAGE_QUOTA_WINDOW_SECONDS: '3600' });
    from = new Date(Date.now() - 120_000).toISOString();
    for (const [name, body] of Object.entries({
      hot: { name: 'hot', tenant: 'acme', roles: ['read'] },
      limited: { name: 'limited', tenant: 'acme', rateLimit: { limit: 5, durationMs: 3_600_000 } },
      doomed: { name: 'doomed', tenant: 'acme' },
      other: { name: 'other', tenant: 'beta' },
    })) {
      const created = await svc.request('POST', '/v1/keys', { body });
      expect(created.status).toBe(201);
      ids[name] = created.body.id;
      keys[name] = created.body.key;
    }
    for (let i = 0; i < 10_000; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => verify(keys.hot)));
      expect(answers.every((a) => a.body.code === 'VALID')).toBe(true);
    }
    for (let i = 0; i < 7; i++) expect((await verify(keys.hot, ['admin'])).body.code).toBe('INSUFFICIENT_ROLES');
    for (let i = 0; i < 10; i++) await verify(keys.limited);
    expect((await verify(keys.doomed)).body.code).toBe('VALID');
    expect((await svc.request('POST', `/v1/keys/${ids.doomed}/revoke?tenant=acme`, { body: { reason: 'leaked' } })).status).toBe(200);
    for (let i = 0; i < 30; i++) expect((await verify(keys.doomed)).body.code).toBe('REVOKED');
    for (let i = 0; i < 4; i++) await verify(keys.other);
    for (let i = 0; i < 3; i++) expect((await verify('sk_unknownunknownunknownunknownunknownunknown0000000')).body.code).toBe('NOT_FOUND');
    await svc.app.get(UsageFlusher).flush();
  }, 120_000);
  afterAll(async () => svc.close());

  it('turns 10,000 verifies of one key into one event per flush, whose outcomes count every answer', async () => {
    const events = await keyUsedEvents(ids.hot);
    expect(events).toHaveLength(1);
    expect(events[0].schemaVersion).toBe(2);
    expect(events[0].data.count).toBe(10_000);
    const outcomes = events[0].data.outcomes as Array<{ counts: Record<string, number> }>;
    expect(summed(outcomes.map((o) => ({ start: '', total: Object.values(o.counts).reduce((s, n) => s + n, 0), counts: o.counts })))).toEqual({
      total: 10_007,
      VALID: 10_000,
      INSUFFICIENT_ROLES: 7,
    });
  });

  it("answers a key's buckets by minute, hour and day with exact counts", async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    for (const granularity of ['minute', 'hour', 'day']) {
      const r = await svc.request('GET', `/v1/keys/${ids.hot}/verifications?tenant=acme&granularity=${granularity}&from=${from}&to=${to}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ keyId: ids.hot, tenant: 'acme', granularity, to });
      const starts = r.body.buckets.map((b: Bucket) => b.start);
      expect([...starts].sort()).toEqual(starts);
      expect(summed(r.body.buckets)).toEqual({ total: 10_007, VALID: 10_000, INSUFFICIENT_ROLES: 7 });
    }
    const limited = await svc.request('GET', `/v1/keys/${ids.limited}/verifications?tenant=acme&granularity=day`);
    expect(summed(limited.body.buckets)).toEqual({ total: 10, VALID: 5, RATE_LIMITED: 5 });
  });

  it('counts the refusals of a revoked key, and keeps its usage to the successes', async () => {
    const r = await svc.request('GET', `/v1/keys/${ids.doomed}/verifications?tenant=acme`);
    expect(summed(r.body.buckets)).toEqual({ total: 31, VALID: 1, REVOKED: 30 });
    const key = await svc.request('GET', `/v1/keys/${ids.doomed}?tenant=acme`);
    expect(key.body).toMatchObject({ status: 'REVOKED', usageCount: 1 });
  });

  it("sums a tenant's keys and lists its top keys; the root key sees every tenant", async () => {
    const acme = await svc.request('GET', '/v1/verifications?tenant=acme&granularity=day');
    expect(acme.status).toBe(200);
    expect(acme.body.tenant).toBe('acme');
    expect(summed(acme.body.buckets)).toEqual({ total: 10_048, VALID: 10_006, INSUFFICIENT_ROLES: 7, RATE_LIMITED: 5, REVOKED: 30 });
    expect(acme.body.topKeys.byVolume.map((k: { name: string; total: number }) => [k.name, k.total])).toEqual([
      ['hot', 10_007],
      ['doomed', 31],
      ['limited', 10],
    ]);
    expect(acme.body.topKeys.byRejections.map((k: { name: string; rejected: number }) => [k.name, k.rejected])).toEqual([
      ['doomed', 30],
      ['hot', 7],
      ['limited', 5],
    ]);
    const all = await svc.request('GET', '/v1/verifications?granularity=day');
    expect(all.body.tenant).toBeNull();
    expect(summed(all.body.buckets).total).toBe(10_052);
  });

  it('counts unknown keys per instance in /metrics, under no key', async () => {
    const metrics = (await svc.request('GET', '/metrics', { key: null })).body as string;
    expect(metrics).toMatch(/^key_verify_unknown_total 3$/m);
  });

  it('lets auditors read their tenant, hides other tenants, and refuses ranges it cannot answer', async () => {
    const auditor = (await svc.request('POST', '/v1/keys', { body: { name: 'aud', tenant: 'acme', roles: ['auditor'] } })).body.key;
    const betaAdmin = (await svc.request('POST', '/v1/keys', { body: { name: 'adm', tenant: 'beta', roles: ['admin'] } })).body.key;
    expect((await svc.request('GET', `/v1/keys/${ids.hot}/verifications`, { key: auditor })).status).toBe(200);
    expect((await svc.request('GET', '/v1/verifications', { key: auditor })).body.tenant).toBe('acme');
    const hidden = await svc.request('GET', `/v1/keys/${ids.hot}/verifications`, { key: betaAdmin });
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe(`Key '${ids.hot}' not found`);
    expect((await svc.request('GET', '/v1/verifications?tenant=acme', { key: betaAdmin })).status).toBe(403);
    const wide = await svc.request('GET', `/v1/verifications?granularity=minute&from=2026-01-01T00:00:00Z&to=2026-01-04T00:00:00Z`);
    expect(wide.status).toBe(400);
    expect(wide.body.message).toBe('granularity=minute covers at most 48 hours: narrow from..to or use a coarser granularity');
    const backwards = await svc.request('GET', `/v1/verifications?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.message).toBe('from (2026-01-02T00:00:00.000Z) must be before to (2026-01-01T00:00:00.000Z)');
    const bad = await svc.request('GET', `/v1/keys/${ids.hot}/verifications?granularity=week`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('granularity must be one of minute, hour, day');
  });
});
