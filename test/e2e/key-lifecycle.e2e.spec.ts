import { startTestApp, TestApp } from '../support/test-app';

describe('Key lifecycle over HTTP (embedded mode)', () => {
  let svc: TestApp;
  beforeAll(async () => {
    svc = await startTestApp();
  });
  afterAll(async () => svc.close());

  const create = (body: Record<string, unknown>) => svc.request('POST', '/v1/keys', { body });
  const verify = (key: string, roles?: string[]) => svc.request('POST', '/v1/keys/verify', { key: null, body: { key, ...(roles ? { roles } : {}) } });

  it('creates a key, shows its plaintext once, and never again', async () => {
    const created = await create({
      name: 'ci deploys',
      description: 'deploys from CI',
      roles: ['deploy'],
      owner: 'team-ci',
      environment: 'production',
      prefix: 'ci',
      expiresAt: '2999-01-01T00:00:00Z',
      annotations: { ticket: 'OPS-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'ci deploys',
      description: 'deploys from CI',
      tenant: 'default',
      prefix: 'ci',
      roles: ['deploy'],
      owner: 'team-ci',
      environment: 'production',
      annotations: { ticket: 'OPS-1' },
      status: 'ACTIVE',
      expiresAt: '2999-01-01T00:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
      version: 1,
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.key).toMatch(/^ci_[0-9A-Za-z]{49}$/);
    expect(created.body.start).toBe(`ci_…${created.body.key.slice(-4)}`);

    const got = await svc.request('GET', `/v1/keys/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.key).toBeUndefined();
    expect(got.headers.get('etag')).toBe('"1"');
    const { key: _secret, ...record } = created.body;
    expect(got.body).toEqual(record);

    const history = await svc.request('GET', `/v1/keys/${created.body.id}/events`);
    expect(JSON.stringify(history.body)).not.toContain(created.body.key);
    const audit = await svc.request('GET', `/v1/audit?keyId=${created.body.id}`);
    expect(JSON.stringify(audit.body)).not.toContain(created.body.key);
  });

  it('accepts a caller-chosen id once and answers 409 for it again', async () => {
    expect((await create({ name: 'chosen', id: 'svc.payments-1' })).status).toBe(201);
    const again = await create({ name: 'chosen', id: 'svc.payments-1' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ statusCode: 409, error: 'Conflict', message: "Key 'svc.payments-1' already exists" });
  });

  it('verifies a key with its roles and records usage', async () => {
    const { body } = await create({ name: 'reader', roles: ['read', 'list'] });
    expect((await verify(body.key)).body).toMatchObject({ valid: true, code: 'VALID', keyId: body.id, roles: ['read', 'list'] });
    expect((await verify(body.key, ['read'])).body).toMatchObject({ valid: true, code: 'VALID' });
    expect((await verify(body.key, ['admin'])).body).toMatchObject({ valid: false, code: 'INSUFFICIENT_ROLES' });
    expect((await verify(body.key.slice(0, -1) + (body.key.endsWith('a') ? 'b' : 'a'))).body).toEqual({ valid: false, code: 'NOT_FOUND' });
    expect((await verify('sk_not-even-close')).body).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('updates fields, answers 412 on a stale If-Match, and 400 when nothing is sent', async () => {
    const { body } = await create({ name: 'before', roles: ['a'] });
    const updated = await svc.request('PATCH', `/v1/keys/${body.id}`, {
      body: { name: 'after', roles: ['a', 'b'], annotations: { k: 'v' }, description: 'now described' },
      headers: { 'if-match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'after', roles: ['a', 'b'], annotations: { k: 'v' }, description: 'now described', version: 2 });
    const stale = await svc.request('PATCH', `/v1/keys/${body.id}`, { body: { name: 'lost' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.message).toBe(`Key '${body.id}' has changed: If-Match names version 1, the key is at version 2`);
    expect((await svc.request('GET', `/v1/keys/${body.id}`)).body.name).toBe('after');
    const empty = await svc.request('PATCH', `/v1/keys/${body.id}`, { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('Nothing to update: send at least one field');
  });

  it('revokes at once, for good, by POST revoke or DELETE', async () => {
    const a = (await create({ name: 'to revoke' })).body;
    const revoked = await svc.request('POST', `/v1/keys/${a.id}/revoke`, { body: { reason: 'leaked' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'REVOKED', revokeReason: 'leaked' });
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await verify(a.key)).body).toMatchObject({ valid: false, code: 'REVOKED' });
    const twice = await svc.request('POST', `/v1/keys/${a.id}/revoke`, { body: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toBe(`Key '${a.id}' is already revoked`);
    expect((await svc.request('POST', `/v1/keys/${a.id}/enable`, { body: {} })).status).toBe(409);

    const b = (await create({ name: 'to delete' })).body;
    const deleted = await svc.request('DELETE', `/v1/keys/${b.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe('REVOKED');
    expect((await verify(b.key)).body.code).toBe('REVOKED');
  });

  it('disables and enables a key', async () => {
    const k = (await create({ name: 'pausable' })).body;
    expect((await svc.request('POST', `/v1/keys/${k.id}/disable`, { body: { reason: 'audit' } })).body.status).toBe('DISABLED');
    expect((await verify(k.key)).body.code).toBe('DISABLED');
    expect((await svc.request('POST', `/v1/keys/${k.id}/disable`, { body: {} })).status).toBe(409);
    expect((await svc.request('POST', `/v1/keys/${k.id}/enable`, { body: {} })).body.status).toBe('ACTIVE');
    expect((await verify(k.key)).body.code).toBe('VALID');
  });

  it('rotates: a new plaintext once, the old one kept only for the grace period', async () => {
    const k = (await create({ name: 'rotating', prefix: 'rot' })).body;
    const rotated = await svc.request('POST', `/v1/keys/${k.id}/rotate`, { body: { gracePeriodSeconds: 3600 } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).toMatch(/^rot_/);
    expect(rotated.body.key).not.toBe(k.key);
    expect(Date.parse(rotated.body.previousKeyValidUntil)).toBeGreaterThan(Date.now());
    expect((await verify(rotated.body.key)).body.code).toBe('VALID');
    expect((await verify(k.key)).body.code).toBe('VALID');

    const again = await svc.request('POST', `/v1/keys/${k.id}/rotate`, { body: {} });
    expect(again.body.previousKeyValidUntil).toBeNull();
    expect((await verify(rotated.body.key)).body.code).toBe('NOT_FOUND');
    expect((await verify(again.body.key)).body.code).toBe('VALID');
    // The first secret's grace period is independent of later rotations.
    expect((await verify(k.key)).body.code).toBe('VALID');

    await svc.request('POST', `/v1/keys/${k.id}/revoke`, { body: {} });
    expect((await verify(k.key)).body.code).toBe('NOT_FOUND');
    expect((await verify(again.body.key)).body.code).toBe('REVOKED');
  });

  it('lists with filters and cursor pagination', async () => {
    const owner = `owner-${Date.now()}`;
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await create({ name: `list ${i}`, owner, roles: i % 2 ? ['odd'] : ['even'], environment: 'staging' })).body);
    await svc.request('POST', `/v1/keys/${made[4].id}/revoke`, { body: {} });

    const page1 = await svc.request('GET', `/v1/keys?owner=${owner}&limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((k: { name: string }) => k.name)).toEqual(['list 0', 'list 1']);
    const page2 = await svc.request('GET', `/v1/keys?owner=${owner}&limit=2&cursor=${page1.body.nextCursor}`);
    const page3 = await svc.request('GET', `/v1/keys?owner=${owner}&limit=2&cursor=${page2.body.nextCursor}`);
    expect(page2.body.items.map((k: { name: string }) => k.name)).toEqual(['list 2', 'list 3']);
    expect(page3.body.items.map((k: { name: string }) => k.name)).toEqual(['list 4']);
    expect(page3.body.nextCursor).toBeNull();

    expect((await svc.request('GET', `/v1/keys?owner=${owner}&role=odd`)).body.items).toHaveLength(2);
    expect((await svc.request('GET', `/v1/keys?owner=${owner}&status=REVOKED`)).body.items.map((k: { id: string }) => k.id)).toEqual([made[4].id]);
    expect((await svc.request('GET', `/v1/keys?owner=${owner}&status=ACTIVE&environment=staging`)).body.items).toHaveLength(4);
    for (const item of page1.body.items) expect(item.key).toBeUndefined();
  });

  it('answers EXPIRED once expiresAt has passed, in get, list and verify', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const k = (await create({ name: 'short-lived', expiresAt })).body;
    expect((await verify(k.key)).body.code).toBe('VALID');
    await new Promise((r) => setTimeout(r, 1600));
    expect((await verify(k.key)).body.code).toBe('EXPIRED');
    expect((await svc.request('GET', `/v1/keys/${k.id}`)).body.status).toBe('EXPIRED');
    const expired = await svc.request('GET', `/v1/keys?status=EXPIRED`);
    expect(expired.body.items.map((i: { id: string }) => i.id)).toContain(k.id);
  });

  it('replays a key as it was at a given time', async () => {
    const k = (await create({ name: 'v1 name' })).body;
    await new Promise((r) => setTimeout(r, 20));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await svc.request('PATCH', `/v1/keys/${k.id}`, { body: { name: 'v2 name' } });
    await svc.request('POST', `/v1/keys/${k.id}/revoke`, { body: {} });
    const then = await svc.request('GET', `/v1/keys/${k.id}?at=${encodeURIComponent(between)}`);
    expect(then.body).toMatchObject({ name: 'v1 name', status: 'ACTIVE', version: 1 });
    expect((await svc.request('GET', `/v1/keys/${k.id}`)).body).toMatchObject({ name: 'v2 name', status: 'REVOKED', version: 3 });
    const before = await svc.request('GET', `/v1/keys/${k.id}?at=2000-01-01T00:00:00Z`);
    expect(before.status).toBe(404);
    expect((await svc.request('GET', `/v1/keys/${k.id}?at=yesterday`)).status).toBe(400);
  });

  it('tells auditors what happened to a key and who did it', async () => {
    const k = (await create({ name: 'audited' })).body;
    await svc.request('PATCH', `/v1/keys/${k.id}`, { body: { roles: ['x'] }, headers: { 'x-correlation-id': 'change-42' } });
    await svc.request('POST', `/v1/keys/${k.id}/disable`, { body: { reason: 'suspicious' } });
    await svc.request('POST', `/v1/keys/${k.id}/revoke`, { body: { reason: 'confirmed' } });

    const history = await svc.request('GET', `/v1/keys/${k.id}/events`);
    expect(history.body.items.map((e: { type: string; version: number }) => [e.type, e.version])).toEqual([
      ['KeyCreated', 1],
      ['KeyUpdated', 2],
      ['KeyDisabled', 3],
      ['KeyRevoked', 4],
    ]);
    expect(history.body.nextCursor).toBeNull();
    expect(history.body.items[1]).toMatchObject({ actor: { type: 'root', id: 'root' }, correlationId: 'change-42', data: { roles: ['x'] }, schemaVersion: 2 });
    expect(history.body.items[0].data.hash).toBeUndefined();

    const revocations = await svc.request('GET', `/v1/audit?keyId=${k.id}&type=KeyRevoked`);
    expect(revocations.body.items).toHaveLength(1);
    expect(revocations.body.items[0].data).toEqual({ reason: 'confirmed' });
    const byActor = await svc.request('GET', `/v1/audit?keyId=${k.id}&actor=root&limit=2`);
    expect(byActor.body.items).toHaveLength(2);
    const rest = await svc.request('GET', `/v1/audit?keyId=${k.id}&actor=root&cursor=${byActor.body.nextCursor}`);
    expect(rest.body.items.map((e: { type: string }) => e.type)).toEqual(['KeyDisabled', 'KeyRevoked']);
    expect((await svc.request('GET', `/v1/audit?keyId=${k.id}&from=2999-01-01T00:00:00Z`)).body.items).toEqual([]);
  });

  it('reports usage as lastUsedAt after the usage window is flushed', async () => {
    const k = (await create({ name: 'used' })).body;
    for (let i = 0; i < 5; i++) await verify(k.key);
    const { UsageFlusher } = await import('../../apps/key-service/src/keys/using/usage-flusher.service');
    await svc.app.get(UsageFlusher).flush();
    const got = await svc.request('GET', `/v1/keys/${k.id}`);
    expect(got.body.usageCount).toBe(5);
    expect(got.body.lastUsedAt).not.toBeNull();
    const used = (await svc.request('GET', `/v1/keys/${k.id}/events`)).body.items.filter((e: { type: string }) => e.type === 'KeyUsed');
    expect(used).toHaveLength(1);
    expect(used[0]).toMatchObject({ actor: { type: 'system', id: 'key-service' }, data: { count: 5 } });
  });

  it('enforces a rate limit and a quota set at create time, and a new quota set by update', async () => {
    const limited = (await create({ name: 'limited', rateLimit: { limit: 3, durationMs: 60_000 } })).body;
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await verify(limited.key)).body);
    expect(codes.map((c) => c.code)).toEqual(['VALID', 'VALID', 'VALID', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(codes[0].ratelimit).toMatchObject({ limit: 3, remaining: 2 });
    expect(codes[3]).toMatchObject({ valid: false, ratelimit: { limit: 3, remaining: 0 } });

    const metered = (await create({ name: 'metered', quota: { remaining: 2 } })).body;
    expect(metered.quota).toEqual({ remaining: 2, refill: null, refillAmount: null });
    const used = [];
    for (let i = 0; i < 3; i++) used.push((await verify(metered.key)).body);
    expect(used.map((u) => [u.code, u.remaining])).toEqual([
      ['VALID', 1],
      ['VALID', 0],
      ['USAGE_EXCEEDED', 0],
    ]);
    await svc.request('PATCH', `/v1/keys/${metered.id}`, { body: { quota: { remaining: 1, refill: 'daily', refillAmount: 10 } } });
    expect((await verify(metered.key)).body).toMatchObject({ code: 'VALID', remaining: 0 });
    await svc.request('PATCH', `/v1/keys/${metered.id}`, { body: { quota: null } });
    expect((await verify(metered.key)).body.code).toBe('VALID');
    const history = (await svc.request('GET', `/v1/keys/${metered.id}/events`)).body.items;
    expect(history.filter((e: { type: string }) => e.type === 'KeyUpdated').map((e: { data: unknown }) => e.data)).toEqual([
      { quota: { remaining: 1, refill: 'daily', refillAmount: 10 } },
      { quota: null },
    ]);
  });

  it('serves its health and its OpenAPI document', async () => {
    const health = await svc.request('GET', '/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const doc = await svc.request('GET', '/docs/json', { key: null });
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/keys', '/v1/keys/{id}', '/v1/keys/verify', '/v1/keys/{id}/rotate', '/v1/audit', '/v1/keys/{id}/events']),
    );
    expect((await svc.request('GET', '/docs', { key: null })).status).toBe(200);
  });

  it('exposes Prometheus metrics with bounded labels and no secrets', async () => {
    const k = (await create({ name: 'metered by prometheus' })).body;
    await verify(k.key);
    await svc.request('POST', `/v1/keys/${k.id}/revoke`, { body: {} });
    const metrics = await svc.request('GET', '/metrics', { key: null });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.body).toMatch(/key_verify_duration_seconds_count\{code="VALID"\} \d+/);
    expect(metrics.body).toMatch(/key_events_appended_total\{type="KeyCreated"\} \d+/);
    expect(metrics.body).toMatch(/key_projection_lag_events\{model="key-details"\} 0/);
    // How long changes took to be in force, by event type: the revoke above is one of them.
    expect(metrics.body).toMatch(/key_change_effective_seconds_count\{change="KeyRevoked"\} [1-9]\d*/);
    expect(metrics.body).toMatch(/key_change_effective_seconds_count\{change="KeyCreated"\} [1-9]\d*/);
    expect(metrics.body).not.toMatch(/change="KeyUsed"/);
    expect(metrics.body).not.toContain(k.key);
    expect(metrics.body).not.toContain(k.id);
  });
});
