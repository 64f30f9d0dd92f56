import { ApiKey, AppliedEvent, CreateKeyInput } from './api-key.aggregate';
import { KeyDomainError } from './key-domain.error';
import { KeyEvent } from '@key-service/events';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const M0 = '2026-01-01T00:00:00.000Z';
const at = (event: KeyEvent, occurredAt = NOW.toISOString()): KeyEvent & AppliedEvent => ({ ...event, occurredAt });

const created = (overrides: Partial<CreateKeyInput> = {}): KeyEvent => ({
  type: 'KeyCreated',
  data: {
    keyId: 'key-1',
    tenant: 'acme',
    name: 'ci deploys',
    description: null,
    hash: 'hash-1',
    hashAlgorithm: 'hmac-sha256',
    prefix: 'sk',
    start: 'sk_…abcd',
    roles: ['deploy'],
    owner: null,
    environment: 'prod',
    expiresAt: null,
    annotations: {},
    rateLimit: null,
    quota: null,
    allowedIps: null,
    permissions: [],
    ...overrides,
  },
});

/** given(events).when(command).then(events | error), as Emmett's deciders are specified. */
function given(...events: Array<KeyEvent | (KeyEvent & AppliedEvent)>) {
  // An event without its own time happened at NOW.
  const key = ApiKey.rehydrate(events.map((e) => ('occurredAt' in e ? e : at(e))));
  return {
    when(command: (key: ApiKey) => KeyEvent[]) {
      return {
        then(expected: KeyEvent[]) {
          expect(command(key)).toEqual(expected);
        },
        thenFails(code: string, message?: string) {
          let thrown: unknown;
          try {
            command(key);
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(KeyDomainError);
          expect((thrown as KeyDomainError).code).toBe(code);
          if (message) expect((thrown as KeyDomainError).message).toBe(message);
        },
      };
    },
  };
}

describe('ApiKey aggregate', () => {
  describe('creating', () => {
    it('records KeyCreated for a new key', () => {
      const event = created();
      given()
        .when((key) => key.create(event.data as CreateKeyInput, NOW))
        .then([event]);
    });

    it('refuses an id that already exists', () => {
      given(created())
        .when((key) => key.create(created().data as CreateKeyInput, NOW))
        .thenFails('KEY_ALREADY_EXISTS', "Key 'key-1' already exists");
    });

    it('refuses an expiry in the past', () => {
      given()
        .when((key) => key.create(created({ expiresAt: '2025-12-31T00:00:00.000Z' }).data as CreateKeyInput, NOW))
        .thenFails('INVALID_EXPIRY');
    });
  });

  describe('updating', () => {
    it('records only the fields that changed', () => {
      given(created())
        .when((key) => key.update({ name: 'ci deploys', roles: ['deploy', 'read'] }, NOW))
        .then([{ type: 'KeyUpdated', data: { roles: ['deploy', 'read'] } }]);
    });

    it('records nothing when nothing changed', () => {
      given(created())
        .when((key) => key.update({ name: 'ci deploys' }, NOW))
        .then([]);
    });

    it('refuses to change a revoked key', () => {
      given(created(), { type: 'KeyRevoked', data: { reason: null } })
        .when((key) => key.update({ name: 'x' }, NOW))
        .thenFails('KEY_REVOKED', "Key 'key-1' is revoked; cannot update it");
    });

    it('refuses a key that does not exist', () => {
      given()
        .when((key) => key.update({ name: 'x' }, NOW))
        .thenFails('KEY_NOT_FOUND');
    });
  });

  describe('revoking', () => {
    it('records KeyRevoked with the reason', () => {
      given(created())
        .when((key) => key.revoke('leaked in a log'))
        .then([{ type: 'KeyRevoked', data: { reason: 'leaked in a log' } }]);
    });

    it('revokes a disabled key too', () => {
      given(created(), { type: 'KeyDisabled', data: { reason: null } })
        .when((key) => key.revoke(null))
        .then([{ type: 'KeyRevoked', data: { reason: null } }]);
    });

    it('refuses to revoke twice', () => {
      given(created(), { type: 'KeyRevoked', data: { reason: null } })
        .when((key) => key.revoke(null))
        .thenFails('KEY_REVOKED', "Key 'key-1' is already revoked");
    });
  });

  describe('disabling and enabling', () => {
    it('disables an active key and enables it again', () => {
      given(created())
        .when((key) => key.disable('investigating'))
        .then([{ type: 'KeyDisabled', data: { reason: 'investigating' } }]);
      given(created(), { type: 'KeyDisabled', data: { reason: null } })
        .when((key) => key.enable(null))
        .then([{ type: 'KeyEnabled', data: { reason: null } }]);
    });

    it('refuses to disable a disabled key or enable an active one', () => {
      given(created(), { type: 'KeyDisabled', data: { reason: null } })
        .when((key) => key.disable(null))
        .thenFails('KEY_ALREADY_DISABLED');
      given(created())
        .when((key) => key.enable(null))
        .thenFails('KEY_NOT_DISABLED');
    });

    it('never re-enables a revoked key', () => {
      given(created(), { type: 'KeyDisabled', data: { reason: null } }, { type: 'KeyRevoked', data: { reason: null } })
        .when((key) => key.enable(null))
        .thenFails('KEY_REVOKED');
    });
  });

  describe('rotating', () => {
    it('replaces the secret and keeps the old one for the grace period', () => {
      given(created())
        .when((key) => key.rotate({ hash: 'hash-2', prefix: 'sk', start: 'sk_…wxyz', gracePeriodSeconds: 60 }, NOW))
        .then([
          {
            type: 'KeyRotated',
            data: {
              hash: 'hash-2',
              prefix: 'sk',
              start: 'sk_…wxyz',
              previousHash: 'hash-1',
              previousValidUntil: '2026-01-01T00:01:00.000Z',
            },
          },
        ]);
    });

    it('ends the old secret at once without a grace period, and keeps earlier grace hashes', () => {
      const key = ApiKey.rehydrate([
        at(created()),
        at({
          type: 'KeyRotated',
          data: { hash: 'hash-2', prefix: 'sk', start: 'sk_…2', previousHash: 'hash-1', previousValidUntil: '2026-01-02T00:00:00.000Z' },
        }),
        at({ type: 'KeyRotated', data: { hash: 'hash-3', prefix: 'sk', start: 'sk_…3', previousHash: 'hash-2', previousValidUntil: null } }),
      ]);
      expect(key.state.hash).toBe('hash-3');
      expect(key.state.graceSecrets).toEqual([{ hash: 'hash-1', validUntil: '2026-01-02T00:00:00.000Z' }]);
      expect(key.version).toBe(3);
    });

    it('refuses a revoked key and a negative grace period', () => {
      given(created(), { type: 'KeyRevoked', data: { reason: null } })
        .when((key) => key.rotate({ hash: 'h', prefix: 'sk', start: 's', gracePeriodSeconds: 0 }, NOW))
        .thenFails('KEY_REVOKED');
      given(created())
        .when((key) => key.rotate({ hash: 'h', prefix: 'sk', start: 's', gracePeriodSeconds: -1 }, NOW))
        .thenFails('INVALID_GRACE_PERIOD');
    });
  });

  describe('using', () => {
    it('records coalesced usage and folds it into lastUsedAt and the count', () => {
      given(created())
        .when((key) => key.recordUsage(3, '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:09.000Z'))
        .then([{ type: 'KeyUsed', data: { count: 3, firstUsedAt: '2026-01-01T00:00:01.000Z', lastUsedAt: '2026-01-01T00:00:09.000Z', outcomes: [{ minute: M0, counts: { VALID: 3 } }] } }]);
      const key = ApiKey.rehydrate([
        at(created()),
        at({ type: 'KeyUsed', data: { count: 3, firstUsedAt: 'a', lastUsedAt: '2026-01-01T00:00:09.000Z', outcomes: [] } }),
        at({ type: 'KeyUsed', data: { count: 2, firstUsedAt: 'a', lastUsedAt: '2026-01-01T00:00:05.000Z', outcomes: [] } }),
        at({ type: 'KeyUsed', data: { count: 0, firstUsedAt: null, lastUsedAt: null, outcomes: [{ minute: M0, counts: { REVOKED: 9 } }] } }),
      ]);
      expect(key.state.usageCount).toBe(5);
      expect(key.state.lastUsedAt).toBe('2026-01-01T00:00:09.000Z');
    });

    it('never records usage later than a revoke already in the stream (verifies in flight on another instance)', () => {
      given(created(), at({ type: 'KeyRevoked', data: { reason: null } }, '2026-01-01T00:00:05.000Z'))
        .when((key) => key.recordUsage(4, '2026-01-01T00:00:04.990Z', '2026-01-01T00:00:05.012Z'))
        .then([{ type: 'KeyUsed', data: { count: 4, firstUsedAt: '2026-01-01T00:00:04.990Z', lastUsedAt: '2026-01-01T00:00:05.000Z', outcomes: [{ minute: M0, counts: { VALID: 4 } }] } }]);
      given(created(), at({ type: 'KeyRevoked', data: { reason: null } }, '2026-01-01T00:00:05.000Z'))
        .when((key) => key.recordUsage(2, '2026-01-01T00:00:05.003Z', '2026-01-01T00:00:05.012Z'))
        .then([{ type: 'KeyUsed', data: { count: 2, firstUsedAt: '2026-01-01T00:00:05.000Z', lastUsedAt: '2026-01-01T00:00:05.000Z', outcomes: [{ minute: M0, counts: { VALID: 2 } }] } }]);
    });

    it('records rejected answers of a revoked key as counters only, and moves successes after the revoke to its minute', () => {
      const outcomes = [
        { minute: M0, counts: { VALID: 1, REVOKED: 2 } },
        { minute: '2026-01-01T00:01:00.000Z', counts: { VALID: 2, REVOKED: 5 } },
      ];
      given(created(), at({ type: 'KeyRevoked', data: { reason: null } }, '2026-01-01T00:00:05.000Z'))
        .when((key) => key.recordUsage(3, '2026-01-01T00:00:04.000Z', '2026-01-01T00:01:01.000Z', outcomes))
        .then([
          {
            type: 'KeyUsed',
            data: {
              count: 3,
              firstUsedAt: '2026-01-01T00:00:04.000Z',
              lastUsedAt: '2026-01-01T00:00:05.000Z',
              outcomes: [
                { minute: M0, counts: { VALID: 3, REVOKED: 2 } },
                { minute: '2026-01-01T00:01:00.000Z', counts: { REVOKED: 5 } },
              ],
            },
          },
        ]);
      given(created(), at({ type: 'KeyRevoked', data: { reason: null } }, '2026-01-01T00:00:05.000Z'))
        .when((key) => key.recordUsage(0, null, null, [{ minute: M0, counts: { REVOKED: 10_000 } }]))
        .then([{ type: 'KeyUsed', data: { count: 0, firstUsedAt: null, lastUsedAt: null, outcomes: [{ minute: M0, counts: { REVOKED: 10_000 } }] } }]);
    });

    it('refuses outcomes that disagree with the count or name no minute', () => {
      given(created())
        .when((key) => key.recordUsage(2, 'a', 'b', [{ minute: M0, counts: { VALID: 1 } }]))
        .thenFails('INVALID_USAGE');
      given(created())
        .when((key) => key.recordUsage(0, null, null, [{ minute: '2026-01-01T00:00:01.000Z', counts: { EXPIRED: 1 } }]))
        .thenFails('INVALID_USAGE');
      given(created())
        .when((key) => key.recordUsage(0, null, null, [{ minute: M0, counts: { EXPIRED: 0 } }]))
        .thenFails('INVALID_USAGE');
    });

    it('refuses a count that is not a non-negative integer, or nothing at all', () => {
      given(created())
        .when((key) => key.recordUsage(-1, 'a', 'b'))
        .thenFails('INVALID_USAGE');
      given(created())
        .when((key) => key.recordUsage(0, null, null, []))
        .thenFails('INVALID_USAGE');
    });
  });

  it('revoking clears the grace hashes so no old secret outlives a revoke', () => {
    const key = ApiKey.rehydrate([
      at(created()),
      at({ type: 'KeyRotated', data: { hash: 'hash-2', prefix: 'sk', start: 's', previousHash: 'hash-1', previousValidUntil: '2030-01-01T00:00:00.000Z' } }),
      at({ type: 'KeyRevoked', data: { reason: null } }, '2026-01-01T00:00:05.000Z'),
    ]);
    expect(key.state.status).toBe('REVOKED');
    expect(key.state.graceSecrets).toEqual([]);
    expect(key.state.revokedAt).toBe('2026-01-01T00:00:05.000Z');
  });

  describe('restoring from a snapshot', () => {
    const history = [
      created(),
      { type: 'KeyUsed', data: { count: 3, firstUsedAt: '2026-01-01T00:00:00.000Z', lastUsedAt: '2026-01-01T00:00:05.000Z', outcomes: [{ minute: M0, counts: { VALID: 3 } }] } },
      { type: 'KeyRotated', data: { hash: 'hash-2', prefix: 'sk', start: 'sk_…wxyz', previousHash: 'hash-1', previousValidUntil: '2026-01-02T00:00:00.000Z' } },
      { type: 'KeyUsed', data: { count: 2, firstUsedAt: '2026-01-01T00:01:00.000Z', lastUsedAt: '2026-01-01T00:01:09.000Z', outcomes: [{ minute: '2026-01-01T00:01:00.000Z', counts: { VALID: 2 } }] } },
      { type: 'KeyDisabled', data: { reason: 'paused' } },
    ] as KeyEvent[];

    it('ends in the state and version the whole stream folds to, wherever the snapshot was taken', () => {
      const whole = ApiKey.rehydrate(history.map((e) => at(e)));
      for (let taken = 0; taken <= history.length; taken++) {
        const snapshot = JSON.parse(JSON.stringify(ApiKey.rehydrate(history.slice(0, taken).map((e) => at(e))).snapshot));
        const restored = ApiKey.restore(snapshot);
        for (const event of history.slice(taken)) restored.apply(at(event));
        expect(restored.snapshot).toEqual(whole.snapshot);
      }
      expect(whole.snapshot.version).toBe(5);
      expect(whole.state).toMatchObject({ status: 'DISABLED', usageCount: 5, hash: 'hash-2', lastUsedAt: '2026-01-01T00:01:09.000Z' });
    });

    it('decides as the rehydrated aggregate does', () => {
      const restored = ApiKey.restore(JSON.parse(JSON.stringify(ApiKey.rehydrate([at(created()), at({ type: 'KeyRevoked', data: { reason: null } })]).snapshot)));
      expect(() => restored.revoke('again')).toThrow("Key 'key-1' is already revoked");
      expect(ApiKey.restore({ state: null, version: 0 }).exists).toBe(false);
    });
  });
});
