import { issueSecret, iso, RecordedKeyStream, T0 } from '../../../../test/support/recorded-key-event.fixtures';
import { projectionSpec } from '../../../../test/support/key-projection.spec-helper';
import { keyValidationProjection } from './key-validation.projection';
import { droppedHashes, KeyValidationView, validationRecords } from './key-validation.view';

const given = projectionSpec(keyValidationProjection);
const HOUR = 3_600_000;
const rateLimit = { limit: 10, durationMs: 60_000 };
const quota = { remaining: 100, refill: null, refillAmount: null };

describe('Key validation projection', () => {
  let key: RecordedKeyStream;
  beforeEach(() => {
    key = new RecordedKeyStream('key-1', 'acme');
  });

  describe('creating', () => {
    it('makes the hash of a new key verifiable as ACTIVE with its roles and limits', () => {
      given()
        .when(key.created({ hash: 'h-1', expiresAt: iso(T0 + HOUR), rateLimit, quota }, T0))
        .then({
          keyId: 'key-1',
          tenant: 'acme',
          name: 'ci deploys',
          status: 'ACTIVE',
          roles: ['deploy'],
          expiresAt: iso(T0 + HOUR),
          rateLimit,
          quota,
          quotaSetAt: iso(T0),
          hash: 'h-1',
          graceSecrets: [],
          version: 1,
        } satisfies KeyValidationView);
    });

    it('starts no quota counter for a key without a quota', () => {
      const { document } = given().when(key.created({ quota: null }, T0));
      expect(document?.quotaSetAt).toBeNull();
    });
  });

  describe('updating', () => {
    it('takes the new name, roles and expiry, and keeps what the update leaves out', () => {
      given(key.created({ expiresAt: iso(T0 + HOUR), rateLimit, quota }, T0), key.used(2, T0 + 1))
        .when(key.updated({ name: 'renamed', roles: ['admin'] }, T0 + 2))
        .thenChanged({ name: 'renamed', roles: ['admin'], version: 3 });
    });

    it('clears an expiry or a rate limit set to null', () => {
      given(key.created({ expiresAt: iso(T0 + HOUR), rateLimit }, T0))
        .when(key.updated({ expiresAt: null, rateLimit: null }, T0 + 1))
        .thenChanged({ expiresAt: null, rateLimit: null, version: 2 });
    });

    it('starts the quota afresh from the update that sets it, and forgets it when cleared', () => {
      const created = key.created({ quota }, T0);
      const setAgain = key.updated({ quota: { ...quota, remaining: 5 } }, T0 + HOUR);
      given(created).when(setAgain).thenChanged({ quota: { ...quota, remaining: 5 }, quotaSetAt: iso(T0 + HOUR), version: 2 });
      given(created, setAgain).when(key.updated({ quota: null }, T0 + 2 * HOUR)).thenChanged({ quota: null, quotaSetAt: null, version: 3 });
    });

    it('forgets counted usage of a quota set again and of a rate whose window length changes', () => {
      const created = key.created({ quota, rateLimit }, T0);
      const used = key.used(3, T0 + 1000);
      const { before, document } = given(created, used).when(
        key.updated({ quota: { ...quota, remaining: 50 }, rateLimit: { limit: 5, durationMs: 1000 } }, T0 + 2000),
      );
      expect(before?.limitUsage?.quota?.used).toBe(3);
      expect(before?.limitUsage?.rate?.used).toBe(3);
      expect(document?.limitUsage).toEqual({ quota: null, rate: null });
    });

    it('keeps the rate usage when only the rate\'s limit changes, not its window', () => {
      const created = key.created({ rateLimit }, T0);
      const used = key.used(3, T0 + 1000);
      const { document } = given(created, used).when(key.updated({ rateLimit: { ...rateLimit, limit: 99 } }, T0 + 2000));
      expect(document?.limitUsage?.rate).toEqual({ window: Math.floor((T0 + 1000) / 60_000), used: 3 });
    });
  });

  describe('using', () => {
    it('counts usage against the limits in force', () => {
      const { document } = given(key.created({ quota, rateLimit }, T0), key.used(2, T0 + 1000)).when(key.used(3, T0 + 2000));
      expect(document?.limitUsage?.quota).toMatchObject({ used: 5, lastAt: T0 + 2000 });
      expect(document?.limitUsage?.rate).toEqual({ window: Math.floor((T0 + 2000) / 60_000), used: 5 });
      expect(document?.version).toBe(3);
    });

    it('only moves the version of a key without limits', () => {
      given(key.created({}, T0)).when(key.used(7, T0 + 1000)).thenChanged({ version: 2 });
    });
  });

  describe('revoking, disabling, enabling', () => {
    it('keeps the hash of a revoked key, so verify answers REVOKED, and ends its grace secrets', () => {
      given(
        key.created({ hash: 'h-1' }, T0),
        key.rotated({ hash: 'h-2', prefix: 'sk', start: 'sk_…wxyz', previousHash: 'h-1', previousValidUntil: iso(T0 + 2 * HOUR) }, T0 + HOUR),
      )
        .when(key.revoked('compromised', T0 + HOUR + 1))
        .thenChanged({ status: 'REVOKED', graceSecrets: [], version: 3 });
    });

    it('disables a key and enables it again', () => {
      const created = key.created({}, T0);
      const disabled = key.disabled('audit', T0 + 1);
      given(created).when(disabled).thenChanged({ status: 'DISABLED', version: 2 });
      given(created, disabled).when(key.enabled(null, T0 + 2)).thenChanged({ status: 'ACTIVE', version: 3 });
    });
  });

  describe('rotating', () => {
    it('verifies the new hash and keeps the old one as a grace secret until its end', () => {
      given(key.created({ hash: 'h-1' }, T0))
        .when(key.rotated({ hash: 'h-2', prefix: 'sk', start: 'sk_…wxyz', previousHash: 'h-1', previousValidUntil: iso(T0 + 2 * HOUR) }, T0 + HOUR))
        .thenChanged({ hash: 'h-2', graceSecrets: [{ hash: 'h-1', validUntil: iso(T0 + 2 * HOUR) }], version: 2 });
    });

    it('drops the old hash at once when the rotation gives it no grace', () => {
      given(key.created({ hash: 'h-1' }, T0))
        .when(key.rotated({ hash: 'h-2', prefix: 'sk', start: 'sk_…wxyz', previousHash: 'h-1', previousValidUntil: null }, T0 + HOUR))
        .thenChanged({ hash: 'h-2', graceSecrets: [], version: 2 });
    });

    it('keeps grace secrets still running at the next rotation and forgets the ended ones', () => {
      given(
        key.created({ hash: 'h-1' }, T0),
        key.rotated({ hash: 'h-2', prefix: 'sk', start: 'sk_…0002', previousHash: 'h-1', previousValidUntil: iso(T0 + 2 * HOUR) }, T0 + HOUR),
        key.rotated({ hash: 'h-3', prefix: 'sk', start: 'sk_…0003', previousHash: 'h-2', previousValidUntil: iso(T0 + 10 * HOUR) }, T0 + HOUR + 1),
      )
        .when(key.rotated({ hash: 'h-4', prefix: 'sk', start: 'sk_…0004', previousHash: 'h-3', previousValidUntil: iso(T0 + 12 * HOUR) }, T0 + 3 * HOUR))
        .thenChanged({
          hash: 'h-4',
          graceSecrets: [
            { hash: 'h-2', validUntil: iso(T0 + 10 * HOUR) },
            { hash: 'h-3', validUntil: iso(T0 + 12 * HOUR) },
          ],
          version: 4,
        });
    });
  });

  describe('redelivery', () => {
    it('changes nothing when an event is delivered again', () => {
      const created = key.created({ quota }, T0);
      const used = key.used(4, T0 + 1000);
      given(created, used).when(used).thenUnchanged();
    });

    it('has no document for a key whose stream does not start with KeyCreated', () => {
      given().when(key.revoked('orphan')).then(null);
    });
  });

  describe('records stored per hash', () => {
    it('stores the current hash without an end and each grace secret with its end', () => {
      const { document } = given(key.created({ hash: 'h-1' }, T0)).when(
        key.rotated({ hash: 'h-2', prefix: 'sk', start: 'sk_…wxyz', previousHash: 'h-1', previousValidUntil: iso(T0 + HOUR) }, T0 + 1),
      );
      const records = validationRecords(document!);
      expect(records.map(([hash, r]) => [hash, r.validUntil, r.version])).toEqual([
        ['h-2', null, 2],
        ['h-1', iso(T0 + HOUR), 2],
      ]);
    });

    it('retires the old hash of a rotation without grace and the grace hashes of a revoke', () => {
      const created = key.created({ hash: 'h-1' }, T0);
      const rotated = key.rotated({ hash: 'h-2', prefix: 'sk', start: 'sk_…wxyz', previousHash: 'h-1', previousValidUntil: iso(T0 + HOUR) }, T0 + 1);
      const revoke = given(created, rotated).when(key.revoked(null, T0 + 2));
      expect(droppedHashes(revoke.before, revoke.document)).toEqual(['h-1']);
      const other = new RecordedKeyStream('key-2');
      const abrupt = given(other.created({ hash: 'h-9' }, T0)).when(
        other.rotated({ hash: 'h-10', prefix: 'sk', start: 'sk_…wxyz', previousHash: 'h-9', previousValidUntil: null }, T0 + 1),
      );
      expect(droppedHashes(abrupt.before, abrupt.document)).toEqual(['h-9']);
      expect(droppedHashes(null, abrupt.document)).toEqual([]);
    });
  });

  it('holds only hashes of real secrets, never their plaintext', () => {
    const first = issueSecret();
    const second = issueSecret();
    const { document } = given(key.created({ hash: first.hash }, T0), key.used(1, T0 + 1)).when(
      key.rotated({ hash: second.hash, prefix: second.prefix, start: second.start, previousHash: first.hash, previousValidUntil: iso(T0 + HOUR) }, T0 + 2),
    );
    const stored = JSON.stringify([document, validationRecords(document!)]);
    expect(stored).toContain(first.hash);
    expect(stored).toContain(second.hash);
    expect(stored).not.toContain(first.plaintext);
    expect(stored).not.toContain(second.plaintext);
  });
});
