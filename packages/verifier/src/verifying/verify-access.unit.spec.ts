import { ipRangesOf, parseClientAddress } from '../access/ip-allowlist';
import { ValidationRecord } from '../validation/validation-record';
import { KeyHasher } from '../secrets/key-hasher';
import { issueSecret, T0 } from '../../../../test/support/recorded-key-event.fixtures';
import { InMemoryUsageLimiter } from '../limiting/in-memory-usage.limiter';
import { parsePermissionQuery } from '../permissions/permission-query.parser';
import { KeyVerifier } from './key-verifier';

const hasher = new KeyHasher('verifier-pepper-0123456789');
const ip = (text: string) => parseClientAddress(text)!;
const query = parsePermissionQuery;

describe('KeyVerifier: access restrictions', () => {
  let records: Map<string, ValidationRecord>;
  let outcomes: string[];
  let verifier: KeyVerifier;
  const secret = issueSecret();

  const givenKey = (overrides: Partial<ValidationRecord>) =>
    records.set(hasher.hash(secret.plaintext), {
      keyId: 'key-1',
      tenant: 'acme',
      name: 'svc',
      status: 'ACTIVE',
      roles: ['deploy'],
      expiresAt: null,
      validUntil: null,
      rateLimit: null,
      quota: null,
      quotaSetAt: null,
      version: 1,
      ...overrides,
    });

  beforeEach(() => {
    records = new Map();
    outcomes = [];
    verifier = new KeyVerifier({
      hasher,
      lookup: { lookup: async (hash) => records.get(hash) ?? null },
      limiter: new InMemoryUsageLimiter(),
      onOutcome: (_, code) => outcomes.push(code),
      now: () => T0,
    });
  });

  const code = async (roles: string[] = [], access = {}) => (await verifier.verify(secret.plaintext, roles, access)).code;

  it('admits an address inside the allowlist, answers FORBIDDEN outside it and when no address is known', async () => {
    givenKey({ ipRanges: ipRangesOf(['10.0.0.0/8', '2001:db8::/32']) });
    expect(await code([], { ip: ip('10.1.2.3') })).toBe('VALID');
    expect(await code([], { ip: ip('2001:db8::7') })).toBe('VALID');
    expect(await code([], { ip: ip('192.0.2.1') })).toBe('FORBIDDEN');
    expect(await code([], {})).toBe('FORBIDDEN');
    expect(await code([], { ip: null })).toBe('FORBIDDEN');
    expect(outcomes).toEqual(['VALID', 'VALID', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });

  it('ignores the address for a key without an allowlist', async () => {
    givenKey({});
    expect(await code([], {})).toBe('VALID');
    expect(await code([], { ip: ip('192.0.2.1') })).toBe('VALID');
  });

  it('answers INSUFFICIENT_PERMISSIONS for an unmet query, VALID for a met one, and leaves a key without a query alone', async () => {
    givenKey({ permissions: ['orders.read', 'billing.read'] });
    expect(await code([], { permissions: query('(orders.read OR orders.write) AND billing.read') })).toBe('VALID');
    expect(await code([], { permissions: query('orders.write AND billing.read') })).toBe('INSUFFICIENT_PERMISSIONS');
    expect(await code([], {})).toBe('VALID');
    givenKey({});
    expect(await code([], { permissions: query('orders.read') })).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('orders the codes as Unkey does: status, then FORBIDDEN, then roles, then permissions, then limits, which a refusal never spends', async () => {
    const restricted = { ipRanges: ipRangesOf(['10.0.0.0/8']), permissions: ['orders.read'], quota: { remaining: 1, refill: null, refillAmount: null } };
    const outside = { ip: ip('192.0.2.1'), permissions: query('orders.write') };
    givenKey({ ...restricted, status: 'REVOKED' });
    expect(await code(['admin'], outside)).toBe('REVOKED');
    givenKey({ ...restricted, status: 'DISABLED' });
    expect(await code(['admin'], outside)).toBe('DISABLED');
    givenKey(restricted);
    expect(await code(['admin'], outside)).toBe('FORBIDDEN');
    expect(await code(['admin'], { ...outside, ip: ip('10.0.0.1') })).toBe('INSUFFICIENT_ROLES');
    expect(await code(['deploy'], { ...outside, ip: ip('10.0.0.1') })).toBe('INSUFFICIENT_PERMISSIONS');
    // None of the refusals above used the quota of 1.
    expect(await code(['deploy'], { ip: ip('10.0.0.1'), permissions: query('orders.read') })).toBe('VALID');
    expect(await code(['deploy'], { ip: ip('10.0.0.1'), permissions: query('orders.read') })).toBe('USAGE_EXCEEDED');
  });
});
