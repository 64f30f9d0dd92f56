import type { Redis } from 'ioredis';
import { keyStreamId, RecordedKeyEvent } from '@key-service/events';
import { RedisValidationReader, validationHashKey } from '@key-service/verifier';
import { foldKeyEvents, groupByKey } from '../key-projection';
import { keyValidationProjection } from './key-validation.projection';
import { KeyValidationStore } from './key-validation.store';
import { BulkRebuildable } from '../rebuild/bulk-rebuild';
import { RedisKeyValidationBulkRebuild } from './redis-key-validation.bulk-rebuild';
import { droppedHashes, KeyValidationView, validationRecords, ValidationRecord } from './key-validation.view';

/** A Redis pub/sub message to publish in the same round trip as a write (a cache invalidation). */
export interface ViewAnnouncement {
  readonly channel: string;
  readonly message: string;
}

export interface RedisKeyValidationStoreOptions {
  /** Namespace of every key this store writes (RedisKeyspace.validation, e.g. `keys:validation:`); reset empties exactly this. */
  readonly prefix: string;
}

/**
 * Compare-and-set of one key's documents: applies only when the stored view is still at the
 * version the caller folded from, so two projectors racing on one key can never move it back.
 * KEYS: view, then hashes to delete, then hashes to set. ARGV: expected version, view JSON,
 * number of deletes, then one record JSON per hash to set.
 */
const APPLY_KEY_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local stored = 0
if current then stored = tonumber(cjson.decode(current).version) end
if stored ~= tonumber(ARGV[1]) then return stored end
redis.call('SET', KEYS[1], ARGV[2])
local deletes = tonumber(ARGV[3])
for i = 1, deletes do redis.call('DEL', KEYS[1 + i]) end
for i = 1, #KEYS - 1 - deletes do redis.call('SET', KEYS[1 + deletes + i], ARGV[3 + i]) end
return -1
`;

/**
 * Writes a view unless the stored one is at its version or later, dropping the records of hashes
 * the stored view had and the new one lacks, then publishes the caller's announcement (if any)
 * and returns how many subscribers got it: one round trip for what sits between a revoke's append
 * and its effect, where a read, a compare-and-set and a PUBLISH took three. The announcement goes
 * out even when the write is skipped: caches must drop the key either way. The dropped hashes are
 * read from the stored view here, so they are not declared in KEYS (a standalone or single-slot
 * Redis). KEYS: view, then hashes to set. ARGV: version, view JSON, hash key prefix, channel ('' for
 * none), message, then one record JSON per hash to set.
 */
const UPSERT_VIEW_SCRIPT = `
local function announce()
  if ARGV[4] == '' then return 0 end
  return redis.call('PUBLISH', ARGV[4], ARGV[5])
end
local current = redis.call('GET', KEYS[1])
if current then
  local old = cjson.decode(current)
  if tonumber(old.version) >= tonumber(ARGV[1]) then return announce() end
  local kept = {}
  for i = 2, #KEYS do kept[KEYS[i]] = true end
  local function drop(hash)
    local key = ARGV[3] .. hash
    if not kept[key] then redis.call('DEL', key) end
  end
  drop(old.hash)
  for _, grace in ipairs(old.graceSecrets) do drop(grace.hash) end
end
redis.call('SET', KEYS[1], ARGV[2])
for i = 2, #KEYS do redis.call('SET', KEYS[i], ARGV[4 + i]) end
return announce()
`;

/**
 * Moves one view from its key of the tenant-less layout (`key:<id>`) to `key:<tenant>/<id>`. When
 * a command already wrote the new key, the old view is dropped with every hash record it has that
 * the new view lacks (a secret rotated away meanwhile must not keep verifying).
 * KEYS: old view, new view. ARGV: hash key prefix.
 */
const MOVE_VIEW_SCRIPT = `
local old = redis.call('GET', KEYS[1])
if not old then return 0 end
local current = redis.call('GET', KEYS[2])
if not current then
  redis.call('RENAME', KEYS[1], KEYS[2])
  return 1
end
local o = cjson.decode(old)
local n = cjson.decode(current)
local kept = { [n.hash] = true }
for _, grace in ipairs(n.graceSecrets) do kept[grace.hash] = true end
local function drop(hash) if not kept[hash] then redis.call('DEL', ARGV[1] .. hash) end end
drop(o.hash)
for _, grace in ipairs(o.graceSecrets) do drop(grace.hash) end
redis.call('DEL', KEYS[1])
return 2
`;

const APPLIED = -1;
/** A CAS loses only to a projector that moved the key meanwhile; a few tries always suffice. */
const MAX_ATTEMPTS = 10;

/**
 * The distributed validation model on Redis: `<prefix>hash:<hash>` → ValidationRecord JSON for the
 * verify path, and `<prefix>key:<tenant>/<id>` → KeyValidationView JSON, which the store folds from so it
 * knows which hashes a change drops and which version it is at.
 */
export class RedisKeyValidationStore implements KeyValidationStore, BulkRebuildable {
  readonly name = keyValidationProjection.name;
  readonly prefix: string;
  private readonly reader: RedisValidationReader;

  constructor(
    private readonly redis: Redis,
    options: RedisKeyValidationStoreOptions,
  ) {
    this.prefix = options.prefix;
    this.reader = new RedisValidationReader(redis, options.prefix);
  }

  async checkpoint(): Promise<number> {
    return Number((await this.redis.get(this.checkpointKey())) ?? 0);
  }

  async handle(events: readonly RecordedKeyEvent[], checkpoint?: number): Promise<void> {
    const byKey = [...groupByKey(events)];
    // Every key's view in one MGET: most of a live batch is keys whose commands wrote them
    // already, and a GET per key was a command (and, without pipelining, a socket write) per event.
    const stored = byKey.length === 0 ? [] : await this.redis.mget(...byKey.map(([streamId]) => this.viewKey(streamId)));
    await Promise.all(byKey.map(([streamId, keyEvents], i) => this.applyToKey(streamId, keyEvents, parseView(stored[i]))));
    if (checkpoint !== undefined) await this.redis.set(this.checkpointKey(), String(checkpoint));
  }

  /**
   * Whether this Redis holds a model built from the whole store. A Redis that restarted without
   * persistence has lost the marker with everything else, which is how the projector notices.
   */
  async isBuilt(): Promise<boolean> {
    return ((await this.redis.get(this.builtKey())) ?? '').startsWith('built ');
  }

  /** Marks a full replay as started; `finishBuild` with the same token completes it. */
  async beginBuild(token: string): Promise<void> {
    await this.redis.set(this.builtKey(), `building ${token}`);
  }

  /**
   * Marks the model built, unless the marker changed since `beginBuild` (Redis lost its data
   * during the replay, or another replay started): false then, and the model needs another replay.
   */
  async finishBuild(token: string, at: Date = new Date()): Promise<boolean> {
    const result = await this.redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0`,
      1,
      this.builtKey(),
      `building ${token}`,
      `built ${at.toISOString()}`,
    );
    return Number(result) === 1;
  }

  lookup(hash: string): Promise<ValidationRecord | null> {
    return this.reader.lookup(hash);
  }

  /** The per-key view (what the store folds from) by the key's stream id, for diagnostics and tests. */
  async view(streamId: string): Promise<KeyValidationView | null> {
    return parseView(await this.redis.get(this.viewKey(streamId)));
  }

  /** Every key's view, a page at a time (SCAN): what restores the limit counters from the usage the views carry. */
  async *views(pageSize = 500): AsyncGenerator<KeyValidationView[]> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.escapedPrefix()}key:*`, 'COUNT', pageSize);
      cursor = next;
      if (keys.length === 0) continue;
      const values = await this.redis.mget(...keys);
      yield values.map(parseView).filter((view): view is KeyValidationView => view !== null);
    } while (cursor !== '0');
  }

  /** Every record by hash, sorted: for comparing a live model with a rebuilt one. */
  async dump(): Promise<Array<[hash: string, record: ValidationRecord]>> {
    const keys = (await this.scan(`${this.escapedPrefix()}hash:*`)).sort();
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    const hashStart = `${this.prefix}hash:`.length;
    return keys.flatMap((key, i): Array<[string, ValidationRecord]> => {
      const json = values[i];
      return json ? [[key.slice(hashStart), JSON.parse(json) as ValidationRecord]] : [];
    });
  }

  /**
   * Moves views stored under the tenant-less layout (before ids were scoped to tenants) to their
   * stream id; run at start, before the model is fed. Idempotent: the new layout's keys all hold a
   * `/`. Returns how many views it moved or merged.
   */
  async migrateViewKeys(): Promise<number> {
    const viewPrefix = this.viewKey('');
    let moved = 0;
    for (const key of await this.scan(`${this.escapedPrefix()}key:*`)) {
      if (key.slice(viewPrefix.length).includes('/')) continue;
      const json = await this.redis.get(key);
      if (!json) continue;
      const view = JSON.parse(json) as KeyValidationView;
      moved += Number(await this.redis.eval(MOVE_VIEW_SCRIPT, 2, key, this.viewKey(keyStreamId(view.tenant, view.keyId)), this.hashKey(''))) > 0 ? 1 : 0;
    }
    return moved;
  }

  /** Folds in memory and writes each key once, pipelined (a replay). */
  bulkRebuild(): RedisKeyValidationBulkRebuild {
    return new RedisKeyValidationBulkRebuild(this.redis, {
      viewKey: (streamId) => this.viewKey(streamId),
      hashKey: (hash) => this.hashKey(hash),
      checkpointKey: () => this.checkpointKey(),
    });
  }

  async reset(): Promise<void> {
    const keys = await this.scan(`${this.escapedPrefix()}*`);
    for (let i = 0; i < keys.length; i += 500) await this.redis.del(...keys.slice(i, i + 500));
  }

  /**
   * Writes a key's view folded from its whole stream, unless the store already holds that version
   * or a later one: what a command does right after its append, so a revoke is in Redis before the
   * command returns, however far the projector lags. The projector then finds those events
   * already applied and skips them. `announcement` is published by the same script, after the
   * write; the result is how many subscribers received it.
   */
  async upsertView(view: KeyValidationView, announcement?: ViewAnnouncement): Promise<number> {
    const records = validationRecords(view);
    const receivers = await this.redis.eval(
      UPSERT_VIEW_SCRIPT,
      1 + records.length,
      this.viewKey(keyStreamId(view.tenant, view.keyId)),
      ...records.map(([h]) => this.hashKey(h)),
      String(view.version),
      JSON.stringify(view),
      this.hashKey(''),
      announcement?.channel ?? '',
      announcement?.message ?? '',
      ...records.map(([, record]) => JSON.stringify(record)),
    );
    return Number(receivers);
  }

  private async compareAndSet(streamId: string, before: KeyValidationView | null, document: KeyValidationView): Promise<boolean> {
    const dropped = droppedHashes(before, document);
    const records = validationRecords(document);
    const result = await this.redis.eval(
      APPLY_KEY_SCRIPT,
      1 + dropped.length + records.length,
      this.viewKey(streamId),
      ...dropped.map((h) => this.hashKey(h)),
      ...records.map(([h]) => this.hashKey(h)),
      String(before?.version ?? 0),
      JSON.stringify(document),
      String(dropped.length),
      ...records.map(([, record]) => JSON.stringify(record)),
    );
    return Number(result) === APPLIED;
  }

  /** `stored`: the key's view as read for the batch; a lost compare-and-set reads it again. */
  private async applyToKey(streamId: string, events: readonly RecordedKeyEvent[], stored: KeyValidationView | null): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const before = attempt === 1 ? stored : await this.view(streamId);
      const { document, applied } = foldKeyEvents(keyValidationProjection, before, events);
      if (applied === 0 || !document) return;
      if (await this.compareAndSet(streamId, before, document)) return;
      // Another projector moved this key since we read it: fold again from what it stored.
    }
    throw new Error(`Key '${streamId}': validation model kept changing under ${MAX_ATTEMPTS} attempts to apply`);
  }

  private async scan(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return [...new Set(found)];
  }

  /** SCAN patterns are globs: a prefix with `*`, `?` or `[` must not widen what reset deletes. */
  private escapedPrefix(): string {
    return this.prefix.replace(/[*?[\]\\]/g, '\\$&');
  }

  private hashKey(hash: string): string {
    return validationHashKey(this.prefix, hash);
  }

  private builtKey(): string {
    return `${this.prefix}built`;
  }

  private viewKey(streamId: string): string {
    return `${this.prefix}key:${streamId}`;
  }

  private checkpointKey(): string {
    return `${this.prefix}checkpoint`;
  }
}

function parseView(json: string | null | undefined): KeyValidationView | null {
  return json ? (JSON.parse(json) as KeyValidationView) : null;
}
