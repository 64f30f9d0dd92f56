import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractOpenApi, loadSeed, SeedDocument } from './seed-schema';
import { seedPath, seedsDir } from './seeds-dir';

/** The seed validators themselves: a validator that accepts everything would make every compat test pass. */
describe('seed schemas', () => {
  it('finds the seeds directory, and an explicit SEEDS_DIR that does not exist is an error', () => {
    expect(seedPath('001')).toMatch(/001_[0-9a-f]+\.txt$/);
    expect(() => seedsDir({ SEEDS_DIR: '/nonexistent/seeds' })).toThrow(/SEEDS_DIR=\/nonexistent\/seeds is not a directory/);
    const empty = mkdtempSync(join(tmpdir(), 'seeds-'));
    try {
      expect(() => seedPath('001', empty)).toThrow(/Expected one seed file 001_\*/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('reads the operations of each machine-readable seed; the prose guide (004) has none', () => {
    expect(loadSeed('000').operations()).toEqual(['POST /api/api-key']);
    expect(loadSeed('001').operations()).toEqual(['POST /v1/api-keys']);
    expect(loadSeed('002').operations()).toEqual(['POST /api/v2/api-keys']);
    expect(loadSeed('003').operations()).toEqual(['POST /v1/accounts/{account_id}/users/{user_id}/apiKeys']);
    expect(() => loadSeed('004')).toThrow(/holds no OpenAPI document/);
  });

  it("accepts each seed's own response example", () => {
    const examples = [loadSeed('000').response('POST', '/api/api-key', 200), loadSeed('002').response('POST', '/api/v2/api-keys', 200)];
    for (const schema of examples) {
      expect(schema.example).toBeDefined();
      expect(schema.errors(schema.example)).toEqual([]);
    }
  });

  it('fails loudly for an operation or a status the seed does not have, or one without a body schema', () => {
    const fusion = loadSeed('000');
    expect(() => fusion.response('GET', '/api/api-key', 200)).toThrow(/has no operation GET \/api\/api-key; it has: POST \/api\/api-key/);
    expect(() => fusion.response('POST', '/api/api-key', 201)).toThrow(/declares no 201 .* it declares: 200, 500/);
    expect(() => fusion.response('POST', '/api/api-key', 500)).toThrow(/declares no JSON body schema/);
    expect(() => fusion.component('Nope')).toThrow(/no component schema Nope/);
    expect(() => fusion.component('ApiKeyDto', { without: ['secret'] })).toThrow(/cannot leave out secret/);
  });

  it('Lumino (001): a declared string is never null, ids are UUIDs, date-times are RFC 3339, composed schemas close', () => {
    const lumino = loadSeed('001');
    const created = lumino.response('POST', '/v1/api-keys', 201, { closed: true });
    const valid = { id: '3c90c3cc-0d44-4b50-8888-8dd25736052a', created_at: '2026-01-01T00:00:00Z', status: 'ACTIVE', name: 'n', prefix: 'sk', secret: 'sk_x' };
    expect(created.errors(valid)).toEqual([]);
    expect(created.errors({ ...valid, last_used_at: null })).toEqual([expect.stringMatching(/^\/last_used_at must be string/)]);
    expect(created.errors({ ...valid, id: 'test-key-id' })).toEqual([expect.stringMatching(/^\/id must match format "uuid"/)]);
    expect(created.errors({ ...valid, created_at: '2026-01-01 00:00' })).toEqual([expect.stringMatching(/^\/created_at must match format "date-time"/)]);
    expect(created.errors({ ...valid, status: 'DISABLED' })).toEqual([expect.stringMatching(/^\/status must be equal to one of the allowed values/)]);
    expect(created.errors({ ...valid, roles: [] })).toEqual([expect.stringMatching(/^\(body\) must NOT have unevaluated properties \(roles\)/)]);
    expect(lumino.component('ApiKeyResponse', { closed: true }).errors(valid)).toEqual([expect.stringMatching(/unevaluated properties \(secret\)/)]);
    expect(lumino.response('POST', '/v1/api-keys', 401).errors({ status: 401, message: 'no' })).toEqual([]);
    expect(lumino.response('POST', '/v1/api-keys', 400).errors({ statusCode: 400, message: 'no', status: '400' })).toHaveLength(1);
  });

  it('org-v2 (002, markdown): Required fields, `| null` unions and formats come from the page', () => {
    const v2 = loadSeed('002');
    const schema = v2.response('POST', '/api/v2/api-keys', 200, { closed: true });
    const example = schema.example as Record<string, unknown>;
    const { private_key: _, ...withoutPrivateKey } = example;
    expect(schema.errors({ ...example, revoked_at: null, last_used_at: null, description: null, environment: null })).toEqual([]);
    expect(schema.errors(withoutPrivateKey)).toEqual([expect.stringMatching(/must have required property 'private_key'/)]);
    expect(schema.errors({ ...example, org_id: 'default' })).toEqual([expect.stringMatching(/^\/org_id must match format "uuid"/)]);
    expect(schema.errors({ ...example, is_revoked: null })).toEqual([expect.stringMatching(/^\/is_revoked must be boolean/)]);
    const listed = v2.component('V2APIKeyCreateResponse', { without: ['private_key'], closed: true });
    expect(listed.errors(withoutPrivateKey)).toEqual([]);
    expect(listed.errors(example)).toEqual([expect.stringMatching(/unevaluated properties \(private_key\)/)]);
  });

  it('Fireworks (003, OpenAPI 3.1): unset fields are absent, never null; annotations are string maps', () => {
    const fireworks = loadSeed('003');
    const schema = fireworks.response('POST', '/v1/accounts/{account_id}/users/{user_id}/apiKeys', 200, { closed: true });
    const valid = { keyId: 'k', displayName: 'default', key: 'sk_x', createTime: '2026-01-01T00:00:00Z', secure: true, prefix: 'sk', annotations: { a: 'b' } };
    expect(schema.errors(valid)).toEqual([]);
    expect(schema.errors({ ...valid, expireTime: null })).toEqual([expect.stringMatching(/^\/expireTime must be string/)]);
    expect(schema.errors({ ...valid, annotations: { a: 1 } })).toEqual([expect.stringMatching(/^\/annotations\/a must be string/)]);
  });

  it('honours OpenAPI 3.0 `nullable` (none of the seeds uses it), also on enums and refs', () => {
    const doc = extractOpenApi(
      [
        '```yaml',
        'openapi: 3.0.3',
        'paths:',
        '  /x:',
        '    get:',
        '      responses:',
        "        '200':",
        '          content:',
        '            application/json:',
        '              schema: {$ref: "#/components/schemas/X"}',
        'components:',
        '  schemas:',
        '    X:',
        '      type: object',
        '      properties:',
        '        a: {type: string, format: date-time, nullable: true, example: "2026-01-01T00:00:00Z"}',
        '        b: {type: string, enum: [on, off], nullable: true}',
        '        c: {type: integer, minimum: 0, exclusiveMinimum: true}',
        '        nullable: {type: string}',
        '```',
      ].join('\n'),
      'inline',
    );
    const schema = new SeedDocument('inline', doc).response('GET', '/x', 200);
    expect(schema.errors({ a: null, b: null, c: 1, nullable: 'x' })).toEqual([]);
    expect(schema.errors({ a: 'yesterday', b: 'maybe', c: 0, nullable: null })).toHaveLength(4);
  });
});
