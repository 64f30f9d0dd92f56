import 'reflect-metadata';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateKeyRequestDto } from './creating/create-key.request.dto';
import { ImportKeyRequestDto } from './importing/import-key.request.dto';
import { fastKeySpec } from './key-spec.fast-check';
import { ReasonRequestDto } from './reason.request.dto';

/** What the class-validator path (BodyValidationPipe's options) decides: the instance, or null for a 400. */
async function classValidated<T extends object>(type: new () => T, item: object): Promise<T | null> {
  const value = plainToInstance(type, item);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length > 0 ? null : value;
}

/** Fields and values near every rule's edge, valid and not. */
const CANDIDATES: Record<string, unknown[]> = {
  name: ['ci deploys', '', 'x'.repeat(100), 'x'.repeat(101), 'é'.repeat(100), '😀'.repeat(50), '😀'.repeat(51), 'a\uFE0F', '\uFE0F', 'x'.repeat(99) + '\uFE0F', 7, null, ['a']],
  description: ['', 'd'.repeat(255), 'd'.repeat(256), '😀'.repeat(128), null, 1],
  tenant: ['acme', 'a'.repeat(64), 'a'.repeat(65), 'a/b', '', 'ÿ', null],
  id: ['key-1', 'k'.repeat(128), 'k'.repeat(129), 'a b', '', null, 5],
  roles: [[], ['deploy', 'a:b'], Array(50).fill('r'), Array(51).fill('r'), ['bad role'], [1], 'deploy', null],
  owner: ['team', '', 'o'.repeat(128), 'o'.repeat(129), null],
  environment: ['production', '', 'e'.repeat(64), 'e'.repeat(65), null],
  prefix: ['sk', 'a1', 'A', '1a', 'a'.repeat(16), 'a'.repeat(17), '', null, 3],
  annotations: [{}, { a: 'b' }, { k: '😀'.repeat(300) }, { ['😀'.repeat(40)]: 'v' }, { 'a\uFE0F': 'v' }, { '': 'b' }, { ['k'.repeat(64)]: 'v'.repeat(512) }, { ['k'.repeat(65)]: 'v' }, { k: 'v'.repeat(513) }, { k: 1 }, { k: null }, [], null, 'x', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))],
  rateLimit: [{ limit: 10, durationMs: 60_000 }, { limit: 0, durationMs: 60_000 }, { limit: 1.5, durationMs: 60_000 }, { limit: 10, durationMs: 999 }, { limit: 10, durationMs: 86_400_001 }, { limit: 10 }, { limit: 10, durationMs: 60_000, extra: 1 }, { limit: '10', durationMs: 60_000 }, null, []],
  recoverable: [true, false, 'true', 0, null],
  expiresAt: ['2999-01-01T00:00:00Z'],
  quota: [{ remaining: 5 }],
  unknown: ['x'],
};

/** An import item's own fields, for the same comparison with ImportKeyRequestDto. */
const IMPORT_CANDIDATES: Record<string, unknown[]> = {
  hash: ['n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=', '', 'h'.repeat(128), 'h'.repeat(129), '😀'.repeat(65), 1, null],
  hashAlgorithm: ['sha256-base64', 'sha256-hex', 'sha256', 'md5', '', null],
};

describe('the compiled check of create bodies (key-spec.fast-check.ts)', () => {
  /** Bodies near every edge: each field alone, then random mixes, half of them of covered fields only. */
  function bodiesOf(candidates: Record<string, unknown[]>, base: Record<string, unknown>): object[] {
    const fields = Object.keys(candidates);
    let random = 42;
    const next = (n: number) => {
      random = (random * 1_103_515_245 + 12_345) % 2 ** 31;
      return random % n;
    };
    const bodies: object[] = [{}, { ...base }];
    for (const field of fields) for (const value of candidates[field]) bodies.push({ ...base, [field]: value });
    for (let i = 0; i < 3000; i++) {
      const body: Record<string, unknown> = { ...base };
      for (const field of fields) {
        // Half the bodies hold only fields the check covers, so it decides many of them itself.
        if (i % 2 === 0 && ['expiresAt', 'quota', 'unknown'].includes(field)) continue;
        if (next(3) === 0) body[field] = candidates[field][next(candidates[field].length)];
      }
      bodies.push(body);
    }
    return bodies;
  }

  async function expectSameAnswers<T extends object>(type: new () => T, bodies: object[]): Promise<number> {
    let fast = 0;
    for (const body of bodies) {
      const quick = fastKeySpec(type, body);
      if (quick === null) continue;
      fast++;
      const slow = await classValidated(type, body);
      expect({ body, accepted: slow !== null }).toEqual({ body, accepted: true });
      expect(quick).toBeInstanceOf(type);
      expect(instanceToPlain(quick)).toEqual(instanceToPlain(slow));
    }
    return fast;
  }

  it('accepts only what class-validator accepts, and hands on the same body', async () => {
    // The check is worth having only if it takes the common bodies.
    expect(await expectSameAnswers(CreateKeyRequestDto, bodiesOf(CANDIDATES, { name: 'n' }))).toBeGreaterThan(100);
    expect(fastKeySpec(CreateKeyRequestDto, { name: 'bench bulk', description: 'd', roles: ['a:b'], owner: 'o', environment: 'production', annotations: { k: 'v' }, rateLimit: { limit: 1000, durationMs: 60_000 } })).not.toBeNull();
  });

  it('does the same for import items', async () => {
    const base = { name: 'n', hash: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=', hashAlgorithm: 'sha256-base64' };
    expect(await expectSameAnswers(ImportKeyRequestDto, bodiesOf({ ...CANDIDATES, ...IMPORT_CANDIDATES }, base))).toBeGreaterThan(100);
    // A create body is not an import item: it lacks the hash.
    expect(fastKeySpec(ImportKeyRequestDto, { name: 'n' })).toBeNull();
  });

  it('does the same for the reason of a revoke, disable or enable', async () => {
    const reasons = { reason: ['leaked in a CI log', '', 'r'.repeat(500), 'r'.repeat(501), '😀'.repeat(250), '😀'.repeat(251), 'a\uFE0F', 'x'.repeat(499) + '\uFE0F', null, 1, ['r']], unknown: ['x'] };
    expect(await expectSameAnswers(ReasonRequestDto, bodiesOf(reasons, {}))).toBeGreaterThan(100);
    expect(fastKeySpec(ReasonRequestDto, {})).toBeInstanceOf(ReasonRequestDto);
    expect(fastKeySpec(ReasonRequestDto, { reason: null })).toBeNull();
  });

  it('leaves every field it does not cover to class-validator', () => {
    for (const field of ['expiresAt', 'quota', 'allowedIps', 'permissions', 'hash']) expect(fastKeySpec(CreateKeyRequestDto, { name: 'n', [field]: null })).toBeNull();
  });
});
