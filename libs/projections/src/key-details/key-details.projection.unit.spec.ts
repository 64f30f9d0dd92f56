import { issueSecret, iso, RecordedKeyStream, T0 } from '../../../../test/support/recorded-key-event.fixtures';
import { projectionSpec } from '../../../../test/support/key-projection.spec-helper';
import { keyDetailsProjection } from './key-details.projection';
import { KeyDetailsView } from './key-details.view';

const given = projectionSpec(keyDetailsProjection);
const HOUR = 3_600_000;

describe('Key details projection', () => {
  let key: RecordedKeyStream;
  beforeEach(() => {
    key = new RecordedKeyStream('key-1', 'acme', 100);
  });

  it('shows a created key as ACTIVE, unused, with everything it was created with', () => {
    const rateLimit = { limit: 10, durationMs: 60_000 };
    const quota = { remaining: 100, refill: 'daily' as const, refillAmount: 100 };
    given()
      .when(key.created({ expiresAt: iso(T0 + 24 * HOUR), rateLimit, quota }, T0))
      .then({
        keyId: 'key-1',
        tenant: 'acme',
        name: 'ci deploys',
        description: 'deploys from CI',
        prefix: 'sk',
        start: 'sk_…abcd',
        roles: ['deploy'],
        owner: 'team-a',
        environment: 'production',
        annotations: { purpose: 'ci' },
        expiresAt: iso(T0 + 24 * HOUR),
        rateLimit,
        quota,
        status: 'ACTIVE',
        createdAt: iso(T0),
        updatedAt: iso(T0),
        lastUsedAt: null,
        usageCount: 0,
        revokedAt: null,
        revokeReason: null,
        version: 1,
        allowedIps: null,
        permissions: [],
        createdPosition: 100,
      } satisfies KeyDetailsView);
  });

  it('changes only what an update carries, clears what it sets to null, and keeps createdAt', () => {
    given(key.created({}, T0))
      .when(key.updated({ name: 'renamed', roles: ['admin'], description: null, owner: null }, T0 + HOUR))
      .thenChanged({ name: 'renamed', roles: ['admin'], description: null, owner: null, updatedAt: iso(T0 + HOUR), version: 2 });
  });

  it('adds up usage and keeps the latest use even when an older flush arrives last', () => {
    const created = key.created({}, T0);
    const recent = key.used(3, T0 + 2 * HOUR);
    given(created, recent)
      .when(key.used(4, T0 + HOUR, T0 + 3 * HOUR))
      // Usage is not a change of the key: updatedAt stays.
      .thenChanged({ usageCount: 7, lastUsedAt: iso(T0 + 2 * HOUR), updatedAt: iso(T0), version: 3 });
  });

  it('records when and why a key was revoked', () => {
    given(key.created({}, T0))
      .when(key.revoked('leaked in a log', T0 + HOUR))
      .thenChanged({ status: 'REVOKED', revokedAt: iso(T0 + HOUR), revokeReason: 'leaked in a log', updatedAt: iso(T0 + HOUR), version: 2 });
  });

  it('disables a key', () => {
    given(key.created({}, T0))
      .when(key.disabled('audit', T0 + HOUR))
      .thenChanged({ status: 'DISABLED', updatedAt: iso(T0 + HOUR), version: 2 });
  });

  it('enables a disabled key again', () => {
    given(key.created({}, T0), key.disabled('audit', T0 + HOUR))
      .when(key.enabled('audit done', T0 + 2 * HOUR))
      .thenChanged({ status: 'ACTIVE', updatedAt: iso(T0 + 2 * HOUR), version: 3 });
  });

  it('shows the new secret\'s prefix and hint after a rotation, and never a hash or a plaintext', () => {
    const first = issueSecret('sk');
    const second = issueSecret('pk');
    const { document } = given(key.created({ hash: first.hash, prefix: first.prefix, start: first.start }, T0)).when(
      key.rotated({ hash: second.hash, prefix: second.prefix, start: second.start, previousHash: first.hash, previousValidUntil: iso(T0 + 2 * HOUR) }, T0 + HOUR),
    );
    expect(document).toMatchObject({ prefix: 'pk', start: second.start, updatedAt: iso(T0 + HOUR), version: 2 });
    const stored = JSON.stringify(document);
    for (const secret of [first, second]) {
      expect(stored).not.toContain(secret.plaintext);
      expect(stored).not.toContain(secret.hash);
    }
  });

  it('has no document for a key whose stream does not start with KeyCreated', () => {
    given().when(key.updated({ name: 'orphan' })).then(null);
  });

  it('changes nothing when an event is delivered again', () => {
    const created = key.created({}, T0);
    const used = key.used(5, T0 + HOUR);
    given(created, used).when(used).thenUnchanged();
    given(created, used).when(created).thenUnchanged();
  });

  it('refuses to skip over a missing event', () => {
    const created = key.created({}, T0);
    key.used(1, T0 + HOUR);
    const afterTheGap = key.revoked('lost the one before', T0 + 2 * HOUR);
    expect(() => given(created).when(afterTheGap)).toThrow("key 'key-1' is at version 1, got event version 3");
  });
});
