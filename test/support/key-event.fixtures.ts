import { randomUUID } from 'node:crypto';
import { keyStreamId } from '@key-service/events';
import { EventStore, NewEvent } from '@keys/event-store';
import { generateSecret, KeyHasher } from '@key-service/verifier';

export const TEST_PEPPER = 'test-pepper-0123456789abcdef';

export interface IssuedKey {
  readonly keyId: string;
  readonly tenant: string;
  /** Only the test knows it: it must never show up downstream. */
  readonly plaintext: string;
  readonly hash: string;
}

/**
 * Writes realistic key lifecycles to an event store the way the service's commands do: the
 * payload shapes of libs/domain, hashes under a pepper, expected versions tracked per key.
 */
export class KeyEventWriter {
  private readonly hasher = new KeyHasher(TEST_PEPPER);
  private readonly versions = new Map<string, number>();
  private readonly tenants = new Map<string, string>();

  constructor(private readonly store: EventStore) {}

  async create(tenant = 'acme', roles: string[] = ['reader']): Promise<IssuedKey> {
    const keyId = randomUUID();
    const secret = generateSecret('sk');
    const hash = this.hasher.hash(secret.plaintext);
    await this.append(keyId, tenant, 'KeyCreated', {
      keyId,
      tenant,
      name: `key ${keyId.slice(0, 8)}`,
      description: null,
      hash,
      prefix: secret.prefix,
      start: secret.start,
      roles,
      owner: 'team-a',
      environment: 'production',
      expiresAt: null,
      annotations: { purpose: 'test' },
      rateLimit: { limit: 100, durationMs: 60_000 },
      quota: null,
    });
    return { keyId, tenant, plaintext: secret.plaintext, hash };
  }

  update(keyId: string, data: Record<string, unknown>): Promise<void> {
    return this.append(keyId, this.tenantOf(keyId), 'KeyUpdated', data);
  }

  /** A KeyUsed of schema version 1, as written before outcomes were counted. */
  use(keyId: string, count: number, now = new Date()): Promise<void> {
    return this.append(keyId, this.tenantOf(keyId), 'KeyUsed', {
      count,
      firstUsedAt: new Date(now.getTime() - 1000).toISOString(),
      lastUsedAt: now.toISOString(),
    }, { type: 'system', id: 'key-service' });
  }

  /** A KeyUsed of the current schema (v2): per-minute answers of every code, successes as usage. */
  verified(keyId: string, outcomes: ReadonlyArray<{ minute: string; counts: Record<string, number> }>): Promise<void> {
    const valid = outcomes.filter((o) => o.counts.VALID).map((o) => o.minute);
    const count = outcomes.reduce((sum, o) => sum + (o.counts.VALID ?? 0), 0);
    const data = { count, firstUsedAt: valid[0] ?? null, lastUsedAt: valid[valid.length - 1] ?? null, outcomes };
    return this.append(keyId, this.tenantOf(keyId), 'KeyUsed', data, { type: 'system', id: 'key-service' }, 2);
  }

  revoke(keyId: string, reason = 'compromised', leak?: { url: string | null; source: string | null }): Promise<void> {
    return this.append(keyId, this.tenantOf(keyId), 'KeyRevoked', leak === undefined ? { reason } : { reason, leak });
  }

  async rotate(keyId: string, previousHash: string, graceMs = 3_600_000): Promise<{ plaintext: string; hash: string }> {
    const secret = generateSecret('sk');
    const hash = this.hasher.hash(secret.plaintext);
    await this.append(keyId, this.tenantOf(keyId), 'KeyRotated', {
      hash,
      prefix: secret.prefix,
      start: secret.start,
      previousHash,
      previousValidUntil: new Date(Date.now() + graceMs).toISOString(),
    });
    return { plaintext: secret.plaintext, hash };
  }

  /** Version the key's stream is at. */
  versionOf(keyId: string): number {
    return this.versions.get(keyId) ?? 0;
  }

  private tenantOf(keyId: string): string {
    const tenant = this.tenants.get(keyId);
    if (!tenant) throw new Error(`Unknown key ${keyId}`);
    return tenant;
  }

  private async append(
    keyId: string,
    tenant: string,
    type: string,
    data: object,
    actor: { type: string; id: string } = { type: 'root', id: 'root' },
    schemaVersion = 1,
  ): Promise<void> {
    const expected = this.versions.get(keyId) ?? 0;
    const event: NewEvent = {
      eventId: randomUUID(),
      type,
      data,
      schemaVersion,
      occurredAt: new Date().toISOString(),
      actor,
      correlationId: randomUUID(),
    };
    await this.store.appendToStream(keyStreamId(tenant, keyId), tenant, expected, [event]);
    this.versions.set(keyId, expected + 1);
    this.tenants.set(keyId, tenant);
  }
}

/** A mixed workload over `keys` keys: creates, updates, usage, some revocations and rotations. */
export async function writeLifecycles(writer: KeyEventWriter, keys: number, tenant = 'acme'): Promise<IssuedKey[]> {
  const issued: IssuedKey[] = [];
  for (let i = 0; i < keys; i++) {
    const key = await writer.create(tenant, i % 2 ? ['reader'] : ['reader', 'writer']);
    issued.push(key);
    await writer.update(key.keyId, { name: `renamed ${i}`, roles: ['admin'] });
    await writer.use(key.keyId, i + 1);
    await writer.use(key.keyId, 2);
    if (i % 3 === 0) await writer.rotate(key.keyId, key.hash);
    // Every fifth a leak report's revocation, so the contract test sees KeyRevoked's optional `leak` too.
    if (i % 4 === 1) await (i % 5 === 0 ? writer.revoke(key.keyId, 'leaked', { url: 'https://github.com/o/r/blob/c/f', source: 'commit' }) : writer.revoke(key.keyId));
  }
  return issued;
}
