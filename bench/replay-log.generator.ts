import { createHash, randomUUID } from 'node:crypto';
import { keyStreamId } from '@key-service/events';
import { SqlQueryable } from '@keys/event-store';

/**
 * A realistic event log for replays, written straight into the event store's table (the store's
 * own row format, positions from its sequence) rather than through commands: the bench needs
 * hundreds of thousands of events in seconds. Each key lives through `windows` usage windows:
 * created (one in ten imported by hash, the oldest in KeyCreated's schema 1), then one KeyUsed per
 * window for the whole deployment (usage is coalesced across instances), the first tenth in
 * KeyUsed's schema 1 (upcast on read) and the rest in schema 2 with per-minute outcomes; some keys
 * are updated (limits, roles), rotated with a grace period, disabled and enabled again, or
 * revoked (their later windows count REVOKED answers only). Deterministic: the same options give
 * the same log, but for event ids and correlation ids, which no read model keeps.
 */
export interface ReplayLogOptions {
  readonly keys: number;
  /** Usage windows per key, hence about this many events per key. */
  readonly windows: number;
  readonly windowMs?: number;
  /** The end of the last window (epoch ms); the log covers the `windows` windows before it. */
  readonly endAt: number;
  readonly tenants?: number;
  /** Keys appear in the log's first windows; a label keeps two logs in one store apart. */
  readonly label?: string;
}

export interface ReplayLogEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly tenant: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: object;
  readonly actorType: string;
  readonly actorId: string;
  readonly correlationId: string;
  readonly occurredAt: string;
}

interface KeyState {
  readonly keyId: string;
  readonly tenant: string;
  readonly streamId: string;
  version: number;
  hash: string;
  revoked: boolean;
}

/** The log, a window at a time, every key's events of a window together: the order commands would append them in. */
export function* replayLog(options: ReplayLogOptions): Generator<ReplayLogEvent> {
  const windowMs = options.windowMs ?? 60_000;
  const tenants = options.tenants ?? 3;
  const label = options.label ?? 'log';
  const startAt = options.endAt - options.windows * windowMs;
  const keys: KeyState[] = Array.from({ length: options.keys }, (_, i) => {
    const tenant = `tenant-${i % tenants}`;
    const keyId = `${label}-${i}`;
    return { keyId, tenant, streamId: keyStreamId(tenant, keyId), version: 0, hash: '', revoked: false };
  });
  let sequence = 0;
  const event = (key: KeyState, type: string, at: number, data: object, schemaVersion = 1, actor: [string, string] = ['root', 'root']): ReplayLogEvent => ({
    eventId: randomUUID(),
    streamId: key.streamId,
    version: ++key.version,
    tenant: key.tenant,
    type,
    schemaVersion,
    data,
    actorType: actor[0],
    actorId: actor[1],
    correlationId: `replay-log-${sequence++}`,
    occurredAt: new Date(at).toISOString(),
  });
  const digest = (text: string) => createHash('sha256').update(text).digest('base64url');
  const w = options.windows;
  for (let window = 0; window < w; window++) {
    const at = startAt + window * windowMs;
    for (const [i, key] of keys.entries()) {
      const t = at + (i % 1000) * Math.floor(windowMs / 1000);
      if (window === 0) {
        const imported = i % 10 === 3;
        // Imported keys come with schema 2 (it names the algorithm); a third of the others predate it.
        const schemaVersion = imported || i % 3 ? 2 : 1;
        key.hash = imported ? `sha256:${digest(`imported ${key.streamId}`)}` : digest(`issued ${key.streamId}`);
        const data = {
          keyId: key.keyId,
          tenant: key.tenant,
          name: `key ${i}`,
          description: i % 4 === 0 ? null : `replayed key ${i}`,
          hash: key.hash,
          ...(schemaVersion === 2 ? { hashAlgorithm: imported ? 'sha256' : 'hmac-sha256' } : {}),
          prefix: imported ? 'legacy' : 'sk',
          start: imported ? `legacy_…${i % 10_000}` : `sk_…${i % 10_000}`,
          roles: i % 2 ? ['reader'] : ['reader', 'writer'],
          owner: `team-${i % 7}`,
          environment: i % 3 ? 'production' : 'staging',
          expiresAt: i % 9 === 0 ? new Date(options.endAt + 86_400_000).toISOString() : null,
          annotations: { purpose: 'replay' },
          rateLimit: i % 2 ? { limit: 100, durationMs: 60_000 } : null,
          quota: i % 3 === 0 ? { remaining: 1_000_000, refill: 'daily', refillAmount: 1_000_000 } : null,
        };
        yield event(key, 'KeyCreated', t, data, schemaVersion);
        continue;
      }
      if (window === Math.floor(w / 3) && i % 7 === 0)
        yield event(key, 'KeyUpdated', t, { name: `renamed ${i}`, roles: ['admin'], rateLimit: { limit: 50, durationMs: 30_000 }, quota: null });
      if (window === Math.floor(w / 2) && i % 5 === 0 && !key.revoked) {
        const hash = digest(`rotated ${key.streamId}`);
        yield event(key, 'KeyRotated', t, { hash, prefix: 'sk', start: `sk_…r${i % 10_000}`, previousHash: key.hash, previousValidUntil: new Date(t + 3_600_000).toISOString() });
        key.hash = hash;
      }
      if (window === Math.floor((2 * w) / 3) && i % 11 === 0 && !key.revoked) yield event(key, 'KeyDisabled', t, { reason: 'audit' });
      if (window === Math.floor((2 * w) / 3) + 2 && i % 11 === 0 && !key.revoked) yield event(key, 'KeyEnabled', t, { reason: 'audit done' });
      if (window === Math.floor((9 * w) / 10) && i % 13 === 0) {
        yield event(key, 'KeyRevoked', t, i % 26 === 0 ? { reason: 'leaked', leak: { url: null, source: 'scanner' } } : { reason: 'compromised' });
        key.revoked = true;
      }
      const minute = new Date(at - (at % 60_000)).toISOString();
      const used = 1 + ((i * 31 + window * 17) % 40);
      if (key.revoked) {
        yield event(key, 'KeyUsed', t, { count: 0, firstUsedAt: null, lastUsedAt: null, outcomes: [{ minute, counts: { REVOKED: used } }] }, 2, ['system', 'key-service']);
      } else if (window < w / 10) {
        yield event(key, 'KeyUsed', t, { count: used, firstUsedAt: new Date(at).toISOString(), lastUsedAt: new Date(t).toISOString() }, 1, ['system', 'key-service']);
      } else {
        const counts: Record<string, number> = { VALID: used };
        if ((i + window) % 4 === 0) counts.RATE_LIMITED = 1 + (window % 5);
        yield event(key, 'KeyUsed', t, { count: used, firstUsedAt: new Date(at).toISOString(), lastUsedAt: new Date(t).toISOString(), outcomes: [{ minute, counts }] }, 2, ['system', 'key-service']);
      }
    }
  }
}

/**
 * Appends the log to the `events` table in multi-row statements of `chunk` events, each its own
 * transaction (positions in log order). Returns the number of events written.
 */
export async function appendReplayLog(sql: SqlQueryable, log: Iterable<ReplayLogEvent>, chunk = 10_000): Promise<number> {
  let written = 0;
  let rows: ReplayLogEvent[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    await sql.query(
      `INSERT INTO events (event_id, stream_id, stream_version, tenant, type, schema_version, data, actor_type, actor_id, correlation_id, occurred_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::integer[], $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])`,
      [
        rows.map((r) => r.eventId),
        rows.map((r) => r.streamId),
        rows.map((r) => r.version),
        rows.map((r) => r.tenant),
        rows.map((r) => r.type),
        rows.map((r) => r.schemaVersion),
        rows.map((r) => JSON.stringify(r.data)),
        rows.map((r) => r.actorType),
        rows.map((r) => r.actorId),
        rows.map((r) => r.correlationId),
        rows.map((r) => r.occurredAt),
      ],
    );
    written += rows.length;
    rows = [];
  };
  for (const e of log) {
    rows.push(e);
    if (rows.length >= chunk) await flush();
  }
  await flush();
  return written;
}
