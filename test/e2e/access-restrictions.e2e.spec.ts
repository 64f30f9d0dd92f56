import { DistributedStack, distributedStack } from '../support/distributed-stack';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

/** Where the scenarios run: `writer` takes the commands, `reader` answers verify (another instance when distributed). */
interface Topology {
  readonly writer: TestApp;
  readonly reader: TestApp;
  /** The record the PostgreSQL copy of the validation model holds for the key (distributed only). */
  pgRecord?(keyId: string): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

async function embedded(): Promise<Topology> {
  const svc = await startTestApp();
  return { writer: svc, reader: svc, close: () => svc.close() };
}

async function distributed(): Promise<Topology> {
  const stack: DistributedStack = await distributedStack('access_restrictions');
  const writer = await startTestApp(stack.env);
  const reader = await startTestApp(stack.env);
  await stack.startProjector();
  return {
    writer,
    reader,
    async pgRecord(keyId) {
      const r = await stack.sql.query<{ record: Record<string, unknown> }>(
        `SELECT record FROM key_validation_hashes WHERE stream_id = $1 AND record->>'validUntil' IS NULL`,
        [`default/${keyId}`],
      );
      return r.rows[0]?.record;
    },
    async close() {
      await writer.close();
      await reader.close();
      await stack.stop();
    },
  };
}

/**
 * IP allowlists and permission queries through POST /v1/keys/verify, the same scenarios in both
 * topologies: embedded (one process, in-memory validation model) and distributed (created on one
 * instance, verified on another through its cache, Redis and the invalidation bus).
 */
describe.each([
  ['embedded', embedded],
  ['distributed', distributed],
])('Access restrictions through verify (%s mode)', (mode, start) => {
  let t: Topology;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => t?.close());

  const create = (body: Record<string, unknown>) => t.writer.request('POST', '/v1/keys', { body });
  const update = (id: string, body: Record<string, unknown>) => t.writer.request('PATCH', `/v1/keys/${id}`, { body });
  const verify = (body: Record<string, unknown>) => t.reader.request('POST', '/v1/keys/verify', { key: null, body });
  const code = async (body: Record<string, unknown>) => {
    const response = await verify(body);
    expect(response.status).toBe(200);
    return response.body.code as string;
  };

  it('records the allowlist canonical and the permissions, and shows them on the key', async () => {
    const created = await create({
      name: 'orders client',
      allowedIps: ['10.0.0.0/8', '2001:DB8::/32', '203.0.113.7/32', '10.0.0.0/8'],
      permissions: ['orders.read', 'billing.read', 'orders.read'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ allowedIps: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'], permissions: ['orders.read', 'billing.read'] });
    const got = await t.reader.request('GET', `/v1/keys/${created.body.id}`);
    expect(got.body).toMatchObject({ allowedIps: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'], permissions: ['orders.read', 'billing.read'] });
    const listed = await t.reader.request('GET', '/v1/keys');
    expect(listed.body.items.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({ permissions: ['orders.read', 'billing.read'] });
    const plain = await create({ name: 'unrestricted' });
    expect(plain.body).toMatchObject({ allowedIps: null, permissions: [] });
    const history = await t.writer.request('GET', `/v1/keys/${created.body.id}/events`);
    expect(history.body.items[0]).toMatchObject({
      type: 'KeyCreated',
      schemaVersion: 3,
      data: { allowedIps: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'], permissions: ['orders.read', 'billing.read'] },
    });
  });

  it('admits IPv4, IPv6 and CIDR hits, answers FORBIDDEN for misses and for no address at all', async () => {
    const { key } = (await create({ name: 'allowlisted', allowedIps: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'] })).body;
    expect(await code({ key, ip: '10.200.3.4' })).toBe('VALID');
    expect(await code({ key, ip: '203.0.113.7' })).toBe('VALID');
    expect(await code({ key, ip: '2001:db8:ab::1' })).toBe('VALID');
    expect(await code({ key, ip: '::ffff:10.0.0.1' })).toBe('VALID');
    expect(await code({ key, ip: '203.0.113.8' })).toBe('FORBIDDEN');
    expect(await code({ key, ip: '11.0.0.1' })).toBe('FORBIDDEN');
    expect(await code({ key, ip: '2001:db9::1' })).toBe('FORBIDDEN');
    const noAddress = await verify({ key });
    expect(noAddress.body).toMatchObject({ valid: false, code: 'FORBIDDEN', name: 'allowlisted' });
    // A key without a list ignores the address.
    const other = (await create({ name: 'anywhere' })).body.key;
    expect(await code({ key: other })).toBe('VALID');
    expect(await code({ key: other, ip: '192.0.2.1' })).toBe('VALID');
  });

  it('evaluates permission queries against the key, and answers 400 naming the position of a malformed one', async () => {
    const { key } = (await create({ name: 'permitted', permissions: ['orders.read', 'billing.read'] })).body;
    expect(await code({ key, permissions: '(orders.read OR orders.write) AND billing.read' })).toBe('VALID');
    expect(await code({ key, permissions: 'orders.read and BILLING.READ' })).toBe('INSUFFICIENT_PERMISSIONS');
    expect(await code({ key, permissions: 'orders.write OR billing.write' })).toBe('INSUFFICIENT_PERMISSIONS');
    expect(await code({ key, permissions: 'orders.write OR orders.read AND billing.read' })).toBe('VALID');
    const malformed = await verify({ key, permissions: '(orders.read OR orders.write)) AND billing.read' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toBe('permissions: unexpected ")" at position 29: expected "AND", "OR" or the end of the query');
    const unclosed = await verify({ key, permissions: '(orders.read' });
    expect(unclosed.body.message).toBe('permissions: missing ")" to close the "(" at position 0');
    const badIp = await verify({ key, ip: '10.0.0.256' });
    expect(badIp.status).toBe(400);
    expect(badIp.body.message).toBe('ip must be an IPv4 address (four decimal parts) or an IPv6 address');
  });

  it('answers the first code that applies in Unkey\'s order, and spends no quota on a refusal', async () => {
    const created = (await create({ name: 'ordered', allowedIps: ['10.0.0.0/8'], permissions: ['orders.read'], roles: ['svc'], quota: { remaining: 1 } })).body;
    const outside = { key: created.key, ip: '192.0.2.1', roles: ['admin'], permissions: 'orders.write' };
    expect(await code(outside)).toBe('FORBIDDEN');
    expect(await code({ ...outside, ip: '10.0.0.1' })).toBe('INSUFFICIENT_ROLES');
    expect(await code({ ...outside, ip: '10.0.0.1', roles: ['svc'] })).toBe('INSUFFICIENT_PERMISSIONS');
    expect(await code({ key: created.key, ip: '10.0.0.1', permissions: 'orders.read' })).toBe('VALID');
    expect(await code({ key: created.key, ip: '10.0.0.1', permissions: 'orders.read' })).toBe('USAGE_EXCEEDED');
    expect((await t.writer.request('POST', `/v1/keys/${created.id}/disable`, { body: {} })).status).toBe(200);
    expect(await code(outside)).toBe('DISABLED');
    expect((await t.writer.request('POST', `/v1/keys/${created.id}/revoke`, { body: { reason: 'done' } })).status).toBe(200);
    expect(await code(outside)).toBe('REVOKED');
  });

  it('changes the allowlist and permissions by update, in force on the verifying instance at once; null lifts the list', async () => {
    const created = (await create({ name: 'changing', allowedIps: ['10.0.0.0/8'], permissions: ['orders.read'] })).body;
    // Verified first, so a distributed reader has the key's record cached.
    for (let i = 0; i < 3; i++) expect(await code({ key: created.key, ip: '10.0.0.1', permissions: 'orders.read' })).toBe('VALID');

    const narrowed = await update(created.id, { allowedIps: ['192.0.2.0/24'], permissions: ['orders.write'] });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body).toMatchObject({ allowedIps: ['192.0.2.0/24'], permissions: ['orders.write'], version: 2 });
    expect(await code({ key: created.key, ip: '10.0.0.1' })).toBe('FORBIDDEN');
    expect(await code({ key: created.key, ip: '192.0.2.9', permissions: 'orders.read' })).toBe('INSUFFICIENT_PERMISSIONS');
    expect(await code({ key: created.key, ip: '192.0.2.9', permissions: 'orders.write' })).toBe('VALID');

    // Absent leaves the list; null lifts it.
    expect((await update(created.id, { name: 'renamed' })).body).toMatchObject({ allowedIps: ['192.0.2.0/24'] });
    const lifted = await update(created.id, { allowedIps: null, permissions: [] });
    expect(lifted.body).toMatchObject({ allowedIps: null, permissions: [] });
    expect(await code({ key: created.key })).toBe('VALID');
    expect(await code({ key: created.key, permissions: 'orders.write' })).toBe('INSUFFICIENT_PERMISSIONS');

    const history = await t.writer.request('GET', `/v1/keys/${created.id}/events`);
    const updates = history.body.items.filter((e: { type: string }) => e.type === 'KeyUpdated').map((e: { data: unknown; schemaVersion: number }) => [e.schemaVersion, e.data]);
    expect(updates).toEqual([
      [2, { allowedIps: ['192.0.2.0/24'], permissions: ['orders.write'] }],
      [2, { name: 'renamed' }],
      [2, { allowedIps: null, permissions: [] }],
    ]);
  });

  it('refuses a bad allowlist or permission with a 400 that names the entry, and records nothing', async () => {
    const before = (await t.writer.request('GET', '/v1/keys?limit=100')).body.items.length;
    const badIp = await create({ name: 'bad', allowedIps: ['10.0.0.0/8', '300.1.1.1'] });
    expect(badIp.status).toBe(400);
    expect(badIp.body.message).toBe('allowedIps[1]: "300.1.1.1" is not an IPv4 address (four decimal parts), an IPv6 address or a CIDR range of one');
    const hostBits = await create({ name: 'bad', allowedIps: ['10.1.2.3/8'] });
    expect(hostBits.body.message).toBe('allowedIps[0]: "10.1.2.3/8" has host bits set: the range is 10.0.0.0/8, the single address 10.1.2.3');
    expect((await create({ name: 'bad', allowedIps: [] })).body.message).toBe('allowedIps must list at least one address; send null to lift the restriction');
    const tooMany = await create({ name: 'bad', allowedIps: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) });
    expect(tooMany.body.message).toBe('allowedIps must list at most 100 entries (got 101)');
    const badPermission = await create({ name: 'bad', permissions: ['orders.read', 'orders read'] });
    expect(badPermission.status).toBe(400);
    expect(badPermission.body.message).toBe('permissions[1] must be 1-128 characters of A-Z a-z 0-9 . _ - : * /');
    const reserved = await create({ name: 'bad', permissions: ['OR'] });
    expect(reserved.body.message).toBe('permissions[0]: "OR" is an operator of permission queries and cannot name a permission');
    const key = (await create({ name: 'to update' })).body;
    const badUpdate = await update(key.id, { allowedIps: ['2001:db8::/129'] });
    expect(badUpdate.status).toBe(400);
    expect(badUpdate.body.message).toBe('allowedIps[0]: "2001:db8::/129" has a prefix length that is not 0-128');
    const nullPermissions = await update(key.id, { permissions: null });
    expect(nullPermissions.status).toBe(400);
    expect(nullPermissions.body.message).toBe('permissions must be an array of permission names');
    expect((await t.writer.request('GET', `/v1/keys/${key.id}`)).body.version).toBe(1);
    expect((await t.writer.request('GET', '/v1/keys?limit=100')).body.items.length).toBe(before + 1);
  });

  it('holds management keys and whoami to their allowlist too, by the socket address (X-Forwarded-For is not trusted)', async () => {
    const here = (await create({ name: 'admin here', roles: ['admin'], allowedIps: ['127.0.0.0/8', '::1'] })).body.key;
    const elsewhere = (await create({ name: 'admin elsewhere', roles: ['admin'], allowedIps: ['192.0.2.0/24'] })).body.key;
    expect((await t.reader.request('GET', '/v1/keys?limit=1', { key: here })).status).toBe(200);
    const refused = await t.reader.request('GET', '/v1/keys?limit=1', { key: elsewhere, headers: { 'x-forwarded-for': '192.0.2.5' } });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('API key rejected: FORBIDDEN');
    expect((await t.reader.request('POST', '/v1/keys/whoami', { key: null, body: { key: here } })).body).toMatchObject({ name: 'admin here' });
    const whoami = await t.reader.request('POST', '/v1/keys/whoami', { key: null, body: { key: elsewhere } });
    expect(whoami.status).toBe(404);
    expect(whoami.body.message).toBe('Key not valid: FORBIDDEN');
  });

  // The embedded model is in memory: the scenarios above are its test.
  (mode === 'distributed' ? it : it.skip)('keeps the parsed ranges and the permissions on the PostgreSQL copy of the validation record', async () => {
    if (!t.pgRecord) throw new Error('no PostgreSQL copy in this topology');
    const created = (await create({ name: 'recorded', allowedIps: ['10.0.0.0/8', '2001:db8::/32'], permissions: ['orders.read'] })).body;
    const record = await t.pgRecord(created.id);
    expect(record).toMatchObject({
      ipRanges: [
        { family: 4, words: [0x0a000000], bits: 8 },
        { family: 6, words: [0x20010db8, 0, 0, 0], bits: 32 },
      ],
      permissions: ['orders.read'],
    });
    const plain = (await create({ name: 'plain record' })).body;
    const plainRecord = await t.pgRecord(plain.id);
    expect(plainRecord).toBeDefined();
    expect(plainRecord).not.toHaveProperty('ipRanges');
    expect(plainRecord).not.toHaveProperty('permissions');
  });
});
