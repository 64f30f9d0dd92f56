import { PgliteSqlClient, PostgresEventStore } from '@keys/event-store';
import { join } from 'node:path';
import { distributedStack } from '../support/distributed-stack';
import { KeyEventWriter } from '../support/key-event.fixtures';
import { buildCliIfStale, CliResult, runCliBinary } from '../support/cli-binary';
import { UsageFlusher } from '../../apps/key-service/src/keys/using/usage-flusher.service';
import { startTestApp, TestApp, TEST_ROOT_KEY } from '../support/test-app';

/** Nothing listens here (a port reserved for this test file), so a call to it is refused. */
const UNREACHABLE_URL = 'http://127.0.0.1:20294';
const KEY_SHAPE = /^[a-z][a-z0-9]*_[0-9A-Za-z]{49}$/;

describe('The key-service CLI, the real binary against the real service', () => {
  let svc: TestApp;
  const outputs: CliResult[] = [];

  beforeAll(async () => {
    await buildCliIfStale();
    svc = await startTestApp();
  }, 240_000);
  afterAll(async () => svc.close());

  /** Every run is kept, so the last test can check that no output ever held the management key. */
  async function cli(args: readonly string[], options: { key?: string | null; input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
    const key = options.key === undefined ? TEST_ROOT_KEY : options.key;
    const result = await runCliBinary(args, { KEY_SERVICE_URL: svc.baseUrl, ...(key === null ? {} : { KEY_SERVICE_API_KEY: key }), ...options.env }, options.input);
    outputs.push(result);
    return result;
  }
  const json = async (args: readonly string[], options?: Parameters<typeof cli>[1]) => {
    const result = await cli([...args, '--json'], options);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  };
  const create = async (...args: string[]) => json(['keys', 'create', '--name', 'made by the cli', ...args]);

  describe('help', () => {
    it.each([
      [['keys'], 'create, read and change API keys'],
      [['keys', 'create'], 'print its plaintext'],
      [['keys', 'list'], 'list keys'],
      [['keys', 'get'], 'show one key'],
      [['keys', 'update'], '--if-match <version>'],
      [['keys', 'rotate'], '--grace <duration>'],
      [['keys', 'disable'], 'suspend the key'],
      [['keys', 'enable'], 'disabled key verify again'],
      [['keys', 'revoke'], 'end the key for good'],
      [['keys', 'reveal'], 'recoverable'],
      [['vault', 'rewrap'], 'KEY_ENCRYPTION_KEY'],
      [['verify'], 'exits 0 when it is, 8 when it is not'],
      [['audit'], '--actor <id>'],
      [['usage'], '--granularity <unit>'],
      [['replay'], 'DATABASE_URL'],
    ])('%j --help describes the command and lists the exit codes', async (command, says) => {
      const result = await cli([...command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(says);
      expect(result.stdout).toContain('5  conflict or stale version (409/412)');
      expect(result.stdout).toContain('KEY_SERVICE_API_KEY');
    });

    it('exits 2 on a usage error, printing what was wrong', async () => {
      expect(await cli(['keys', 'list', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option '--bogus'") });
      expect(await cli(['keys', 'create'])).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--name <name>' not specified") });
      expect(await cli(['keys', 'rotate', 'x', '--grace', 'soon'])).toMatchObject({ code: 2, stderr: expect.stringContaining('90s, 15m, 1h') });
      expect(await cli(['audit', '--type', 'KeyEaten'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Allowed choices are') });
      expect(await cli(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
      expect((await cli(['keys'])).code).toBe(2);
      expect(await cli(['keys', 'list', '--url', 'not a url'])).toMatchObject({ code: 2, stderr: expect.stringContaining("--url 'not a url' is not a URL") });
    });
  });

  describe('keys', () => {
    it('create prints the plaintext once, with a warning in table mode and the API answer with --json', async () => {
      const table = await cli(['keys', 'create', '--name', 'ci deploys', '--role', 'deploy,read', '--annotation', 'ticket=OPS-1', '--prefix', 'ci', '--quota', '10']);
      expect(table.code).toBe(0);
      const plaintext = /^key\s+(\S+)$/m.exec(table.stdout)?.[1] ?? '';
      expect(plaintext).toMatch(/^ci_[0-9A-Za-z]{49}$/);
      expect(table.stdout).toMatch(/^name\s+ci deploys$/m);
      expect(table.stdout).toMatch(/^roles\s+deploy,read$/m);
      expect(table.stdout).toMatch(/^annotations\s+ticket=OPS-1$/m);
      expect(table.stderr).toBe('This key will not be shown again: store it now.\n');

      const created = await create('--id', 'cli-json', '--rate-limit', '100/1m', '--expires-at', '2999-01-01T00:00:00Z');
      expect(created).toMatchObject({ id: 'cli-json', tenant: 'default', name: 'made by the cli', rateLimit: { limit: 100, durationMs: 60000 }, expiresAt: '2999-01-01T00:00:00.000Z', version: 1 });
      expect(created.key).toMatch(KEY_SHAPE);
      const stored = await svc.request('GET', '/v1/keys/cli-json');
      expect(stored.body).toMatchObject({ id: 'cli-json', rateLimit: { limit: 100, durationMs: 60000 } });
    });

    it('list shows a table or the page, and --all follows every page', async () => {
      await create('--owner', 'team-list', '--id', 'list-a');
      await create('--owner', 'team-list', '--id', 'list-b');
      await create('--owner', 'team-list', '--id', 'list-c');
      const table = await cli(['keys', 'list', '--owner', 'team-list']);
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+TENANT\s+NAME\s+STATUS\s+START\s+ROLES\s+EXPIRES\s+LAST USED\s+USAGE$/);
      for (const id of ['list-a', 'list-b', 'list-c']) expect(table.stdout).toMatch(new RegExp(`^${id}\\s+default\\s+made by the cli\\s+ACTIVE`, 'm'));

      const first = await json(['keys', 'list', '--owner', 'team-list', '--limit', '2']);
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      const more = await cli(['keys', 'list', '--owner', 'team-list', '--limit', '2']);
      expect(more.stdout).toContain(`More: --cursor ${first.nextCursor}`);
      const all = await json(['keys', 'list', '--owner', 'team-list', '--limit', '1', '--all']);
      expect(all.items.map((k: { id: string }) => k.id).sort()).toEqual(['list-a', 'list-b', 'list-c']);
      expect(all.nextCursor).toBeNull();
      expect((await json(['keys', 'list', '--owner', 'team-list', '--limit', '2', '--cursor', first.nextCursor])).items).toHaveLength(1);
    });

    it('get shows one key without its secret, and exits 3 for a missing one with the API message', async () => {
      const created = await create('--id', 'get-me', '--description', 'to be read');
      const table = await cli(['keys', 'get', 'get-me']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^description\s+to be read$/m);
      expect(table.stdout).not.toContain(created.key);
      const { key: _secret, ...record } = created;
      expect(await json(['keys', 'get', 'get-me'])).toEqual(record);

      expect(await cli(['keys', 'get', 'no-such-key'])).toEqual({ code: 3, stdout: '', stderr: "Key 'no-such-key' not found\n" });
      const missing = await cli(['keys', 'get', 'no-such-key', '--json']);
      expect(missing.code).toBe(3);
      expect(JSON.parse(missing.stderr)).toEqual({ statusCode: 404, error: 'Not Found', message: "Key 'no-such-key' not found" });
    });

    it('update changes the fields given, honours --if-match (exit 5 when stale) and exits 6 when nothing is asked', async () => {
      await create('--id', 'upd', '--description', 'old', '--owner', 'me');
      const updated = await json(['keys', 'update', 'upd', '--name', 'renamed', '--role', 'a', '--role', 'b', '--clear', 'description', '--if-match', '1']);
      expect(updated).toMatchObject({ name: 'renamed', roles: ['a', 'b'], description: null, owner: 'me', version: 2 });
      const table = await cli(['keys', 'update', 'upd', '--environment', 'staging', '--if-match', '"2"']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^environment\s+staging$/m);

      const stale = await cli(['keys', 'update', 'upd', '--name', 'lost update', '--if-match', '1']);
      expect(stale.code).toBe(5);
      expect(stale.stderr).toMatch(/version/i);
      expect((await svc.request('GET', '/v1/keys/upd')).body).toMatchObject({ name: 'renamed', version: 3 });

      const nothing = await cli(['keys', 'update', 'upd']);
      expect(nothing.code).toBe(6);
      expect(nothing.stderr).not.toBe('');
    });

    it('rotate issues a new secret, keeping the old one for --grace', async () => {
      const created = await create('--id', 'rot');
      const rotated = await json(['keys', 'rotate', 'rot', '--grace', '15m']);
      expect(rotated.key).toMatch(KEY_SHAPE);
      expect(rotated.key).not.toBe(created.key);
      const grace = Date.parse(rotated.previousKeyValidUntil) - Date.now();
      expect(grace).toBeGreaterThan(10 * 60_000);
      expect(grace).toBeLessThanOrEqual(15 * 60_000);
      expect((await cli(['verify', created.key])).code).toBe(0);

      const table = await cli(['keys', 'rotate', 'rot']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^previous secret valid until\s+no longer valid$/m);
      expect(table.stderr).toContain('will not be shown again');
      // The first rotation's grace period still runs; the second ended the secret it replaced at once.
      expect((await cli(['verify', created.key])).code).toBe(0);
      expect((await cli(['verify', rotated.key])).code).toBe(8);
      expect((await cli(['verify', /^key\s+(\S+)$/m.exec(table.stdout)?.[1] ?? ''])).code).toBe(0);
    });

    it('disable, enable and revoke change the status, and a repeat is a conflict (exit 5)', async () => {
      const created = await create('--id', 'life');
      const disabled = await cli(['keys', 'disable', 'life', '--reason', 'holiday']);
      expect(disabled.code).toBe(0);
      expect(disabled.stdout).toMatch(/^status\s+DISABLED$/m);
      expect(await cli(['verify', created.key])).toMatchObject({ code: 8, stdout: expect.stringMatching(/^code\s+DISABLED$/m) });
      const again = await cli(['keys', 'disable', 'life']);
      expect(again.code).toBe(5);
      expect(again.stderr).not.toBe('');

      expect(await json(['keys', 'enable', 'life'])).toMatchObject({ status: 'ACTIVE' });
      expect((await cli(['verify', created.key])).code).toBe(0);
      expect(await json(['keys', 'revoke', 'life', '--reason', 'leaked'])).toMatchObject({ status: 'REVOKED', revokeReason: 'leaked' });
      expect((await cli(['keys', 'revoke', 'life'])).code).toBe(5);
      expect((await cli(['keys', 'enable', 'life'])).code).toBe(5);
    });

    it('reveal prints a recoverable key again (exit 3 for one that is not), and vault rewrap says what it did', async () => {
      const kept = await create('--id', 'cli-kept', '--recoverable');
      expect((await json(['keys', 'reveal', 'cli-kept'])).key).toBe(kept.key);
      const table = await cli(['keys', 'reveal', 'cli-kept']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`^key\\s+${kept.key}$`, 'm'));
      const rotated = await json(['keys', 'rotate', 'cli-kept', '--recoverable']);
      expect((await json(['keys', 'reveal', 'cli-kept'])).key).toBe(rotated.key);
      await create('--id', 'cli-plain');
      expect(await cli(['keys', 'reveal', 'cli-plain'])).toMatchObject({ code: 3, stderr: expect.stringContaining('is not recoverable') });
      const rewrap = await json(['vault', 'rewrap']);
      expect(rewrap).toMatchObject({ rewrapped: 0, unreadable: 0 });
      expect(Object.values(rewrap.byKek).reduce((a, b) => (a as number) + (b as number), 0)).toBe(1);
    });

    it('exits 6 with the API message on input the service refuses', async () => {
      const past = await cli(['keys', 'create', '--name', 'late', '--expires-at', '2000-01-01T00:00:00Z']);
      expect(past.code).toBe(6);
      expect(past.stderr).toBe('expiresAt must be in the future (got 2000-01-01T00:00:00.000Z)\n');
      expect(await cli(['keys', 'create', '--name', 'x', '--expires-at', 'tomorrow'])).toEqual({
        code: 6,
        stdout: '',
        stderr: 'expiresAt must be an RFC 3339 date-time, e.g. 2030-01-01T00:00:00Z\n',
      });
      expect((await cli(['keys', 'list', '--limit', '0x10'])).code).toBe(6);
      expect((await cli(['keys', 'rotate', 'cli-json', '--grace', '31d'])).code).toBe(6);
      expect((await svc.request('GET', '/v1/keys?limit=200')).body.items.some((k: { name: string }) => k.name === 'late' || k.name === 'x')).toBe(false);
    });
  });

  describe('verify', () => {
    it('exits 0 for a valid key and 8 otherwise, in both output modes, from an argument or stdin', async () => {
      const created = await create('--id', 'ver', '--role', 'read');
      const table = await cli(['verify', created.key], { key: null });
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^valid\s+yes$/m);
      expect(table.stdout).toMatch(/^key id\s+ver$/m);
      expect(await json(['verify', '--role', 'read'], { key: null, input: `${created.key}\n` })).toMatchObject({ valid: true, code: 'VALID', keyId: 'ver' });

      const insufficient = await cli(['verify', '-', '--role', 'admin', '--json'], { input: created.key });
      expect(insufficient.code).toBe(8);
      expect(JSON.parse(insufficient.stdout)).toMatchObject({ valid: false, code: 'INSUFFICIENT_ROLES' });
      expect(await cli(['verify', 'sk_not-a-key'])).toMatchObject({ code: 8, stdout: expect.stringMatching(/^code\s+NOT_FOUND$/m) });
      expect(await cli(['verify'], { input: '' })).toMatchObject({ code: 2, stderr: expect.stringContaining('No key to verify') });
    });
  });

  describe('audit', () => {
    it('filters the trail, pages with --all, and shows a table or the page', async () => {
      await create('--id', 'aud');
      await json(['keys', 'disable', 'aud']);
      await json(['keys', 'enable', 'aud']);
      const all = await json(['audit', '--key', 'aud', '--limit', '1', '--all']);
      expect(all.items.map((e: { type: string }) => e.type)).toEqual(['KeyCreated', 'KeyDisabled', 'KeyEnabled']);
      expect(all.nextCursor).toBeNull();
      const disabled = await json(['audit', '--key', 'aud', '--type', 'KeyDisabled', '--actor', 'root']);
      expect(disabled.items).toHaveLength(1);
      expect(disabled.items[0]).toMatchObject({ keyId: 'aud', actor: { type: 'root', id: 'root' } });

      const table = await cli(['audit', '--key', 'aud']);
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^TIME\s+TYPE\s+KEY\s+TENANT\s+VERSION\s+ACTOR\s+DATA$/);
      expect(table.stdout).toMatch(/KeyEnabled\s+aud\s+default\s+3\s+root:root/);
      expect(await cli(['audit', '--key', 'aud', '--from', 'yesterday'])).toMatchObject({ code: 6, stderr: expect.stringContaining('from must be an RFC 3339 date-time') });
      expect(await cli(['audit', '--key', 'aud', '--type', 'KeyRotated'])).toMatchObject({ code: 0, stdout: 'No events.\n' });
    });
  });

  describe('usage', () => {
    it("shows a key's usage counters and its verifications, or says the server has no analytics", async () => {
      const created = await create('--id', 'used');
      expect((await cli(['verify', created.key])).code).toBe(0);
      expect((await cli(['verify', created.key])).code).toBe(0);
      // Usage reaches the event log (and so the analytics) when the instance flushes its window.
      await svc.app.get(UsageFlusher).flush();
      const document = (await svc.request('GET', '/docs/json')).body as { paths: Record<string, unknown> };
      const hasAnalytics = '/v1/keys/{id}/verifications' in document.paths;

      const answer = await cli(['usage', 'used', '--json']);
      expect(answer.code).toBe(0);
      const body = JSON.parse(answer.stdout);
      expect(body.key).toMatchObject({ id: 'used', tenant: 'default', name: 'made by the cli' });
      expect(body.key.usageCount).toBe(2);
      const table = await cli(['usage', 'used']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^key\s+used \(tenant default\)$/m);
      expect(table.stdout).toMatch(/^usage\s+\d+ successful verifications$/m);
      if (hasAnalytics) {
        const valid = body.verifications.buckets.reduce((sum: number, b: { counts: { VALID?: number } }) => sum + (b.counts.VALID ?? 0), 0);
        expect(valid).toBe(2);
        expect(table.stdout).toMatch(/^START\s+TOTAL\s+VALID/m);
        const tenant = await json(['usage', '--tenant', 'default']);
        expect(tenant.topKeys.byVolume).toContainEqual({ keyId: 'used', tenant: 'default', name: 'made by the cli', total: 2 });
        const tenantTable = await cli(['usage', '--tenant', 'default']);
        expect(tenantTable.code).toBe(0);
        expect(tenantTable.stdout).toMatch(/^used\s+default\s+made by the cli\s+2$/m);
      } else {
        expect(body.verifications).toBeNull();
        expect(answer.stderr).toContain('no verification analytics');
        expect(table.stderr).toContain('no verification analytics');
      }
      expect(await cli(['usage', 'nobody-uses-this'])).toEqual({ code: 3, stdout: '', stderr: "Key 'nobody-uses-this' not found\n" });
      expect((await cli(['usage', 'used', '--granularity', 'week'])).code).toBe(2);
    });
  });

  describe('failures', () => {
    it('exits 4 without a management key, with a wrong one, or with one lacking the role', async () => {
      expect(await cli(['keys', 'list'], { key: null })).toMatchObject({ code: 4, stderr: expect.stringContaining('KEY_SERVICE_API_KEY') });
      const wrong = await cli(['keys', 'list'], { key: 'sk_wrong' });
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).not.toBe('');
      const auditor = await create('--role', 'auditor');
      expect((await cli(['keys', 'list'], { key: auditor.key })).code).toBe(0);
      const forbidden = await cli(['keys', 'create', '--name', 'not allowed'], { key: auditor.key });
      expect(forbidden.code).toBe(4);
      expect(forbidden.stderr).not.toBe('');
    });

    it('exits 7 when the service cannot be reached', async () => {
      const result = await cli(['keys', 'list', '--url', UNREACHABLE_URL]);
      expect(result).toEqual({ code: 7, stdout: '', stderr: `Cannot reach the key service at ${UNREACHABLE_URL}: ECONNREFUSED\n` });
      expect((await cli(['verify', 'sk_x'], { env: { KEY_SERVICE_URL: UNREACHABLE_URL } })).code).toBe(7);
    });

    it('never prints the management key', () => {
      expect(outputs.length).toBeGreaterThan(40);
      for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain(TEST_ROOT_KEY);
    });
  });
});

describe('key-service replay, against the stores themselves', () => {
  beforeAll(async () => buildCliIfStale(), 240_000);

  it('rebuilds the embedded key-details model under --data-dir', async () => {
    const svc = await startTestApp();
    for (const name of ['one', 'two']) expect((await svc.request('POST', '/v1/keys', { body: { name } })).status).toBe(201);
    await svc.close({ keepData: true });
    const pglite = join(svc.dataDir, 'pglite');
    let sql = await PgliteSqlClient.open(pglite);
    try {
      await sql.query('DELETE FROM key_details');
    } finally {
      await sql.close();
    }

    const table = await runCliBinary(['replay', 'key-details', '--data-dir', svc.dataDir], {});
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^key-details\s+2\s+2\s+\d+$/m);
    sql = await PgliteSqlClient.open(pglite);
    try {
      const rows = (await sql.query<{ name: string }>("SELECT doc->>'name' AS name FROM key_details ORDER BY 1")).rows;
      expect(rows.map((r) => r.name)).toEqual(['one', 'two']);
    } finally {
      await sql.close();
    }
    const again = await runCliBinary(['replay', 'key-details', '--json'], { DATA_DIR: svc.dataDir });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual([{ readModel: 'key-details', events: 2, keys: 2, position: expect.any(Number) }]);
  });

  it('rebuilds the distributed models (PostgreSQL and Redis), and exits 7 when the database is unreachable', async () => {
    const stack = await distributedStack('cli_replay');
    try {
      const store = new PostgresEventStore(stack.sql);
      await store.init();
      const writer = new KeyEventWriter(store);
      await writer.create('acme');
      await writer.create('acme');
      // No projector ran: the read models are empty until the replay builds them.
      const result = await runCliBinary(['replay', 'all', '--json'], stack.env);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const reports = JSON.parse(result.stdout) as { readModel: string; events: number; keys: number }[];
      expect(reports.map((r) => [r.readModel, r.events, r.keys]).sort()).toEqual([
        ['key-details', 2, 2],
        ['key-validation', 2, 2],
        ['key-validation-pg', 2, 2],
        ['key-verifications', 2, 2],
      ]);
      expect((await stack.sql.query<{ tenant: string }>('SELECT tenant FROM key_details')).rows).toEqual([{ tenant: 'acme' }, { tenant: 'acme' }]);
    } finally {
      await stack.stop();
    }
    const down = { ...stack.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:20295/test' };
    const unreachable = await runCliBinary(['replay', 'key-details'], down);
    expect(unreachable.code).toBe(7);
    expect(unreachable.stderr).toMatch(/^replay failed: /);
    const partial = await runCliBinary(['replay', 'all'], { DATABASE_URL: down.DATABASE_URL });
    expect(partial).toMatchObject({ code: 2, stderr: expect.stringContaining('REDIS_URL and KAFKA_BROKERS are not') });
    expect((await runCliBinary(['replay', 'key-validation'], {})).code).toBe(2);
    expect((await runCliBinary(['replay', 'everything'], {})).code).toBe(2);
  });
});
