import type { Redis } from 'ioredis';
import { BulkRebuild, KeyChange } from '../rebuild/bulk-rebuild';
import { chunksOf } from '../rebuild/rows-per-statement';
import { keyValidationProjection } from './key-validation.projection';
import { KeyValidationView, validationRecords } from './key-validation.view';

/**
 * upsertView's script for many keys at once: per key, the view is written unless the stored one
 * is at its version or later (a command wrote it meanwhile), the records of hashes the stored
 * view had and this one lacks are deleted, and the current records written. KEYS: per key its
 * view key, then its hash keys. ARGV: the hash key prefix, then per key: version, view JSON,
 * number of hash keys, one record JSON per hash key. Returns how many views it wrote.
 */
const UPSERT_VIEWS_SCRIPT = `
local k, a, written = 1, 2, 0
while a <= #ARGV do
  local version = tonumber(ARGV[a])
  local n = tonumber(ARGV[a + 2])
  local current = redis.call('GET', KEYS[k])
  local write = true
  if current then
    local old = cjson.decode(current)
    if tonumber(old.version) >= version then
      write = false
    else
      local kept = {}
      for i = 1, n do kept[KEYS[k + i]] = true end
      local function drop(hash)
        local key = ARGV[1] .. hash
        if not kept[key] then redis.call('DEL', key) end
      end
      drop(old.hash)
      for _, grace in ipairs(old.graceSecrets) do drop(grace.hash) end
    end
  end
  if write then
    redis.call('SET', KEYS[k], ARGV[a + 1])
    for i = 1, n do redis.call('SET', KEYS[k + i], ARGV[a + 2 + i]) end
    written = written + 1
  end
  k = k + 1 + n
  a = a + 3 + n
end
return written
`;

/**
 * Keys per script call: each call runs alone on Redis, so a call is kept to about a millisecond
 * of its time, and verify's reads interleave with a rebuild.
 */
const KEYS_PER_SCRIPT = 200;

export interface RedisKeyspaceOf {
  viewKey(streamId: string): string;
  hashKey(hash: string): string;
  checkpointKey(): string;
}

/**
 * The Redis validation model's bulk writes: the changed views in scripts of KEYS_PER_SCRIPT keys,
 * pipelined (one round trip for all), then the checkpoint. Not one MULTI: that would hold every
 * verify on this Redis for the whole flush. The checkpoint is set after the writes it covers
 * succeeded, so it never runs ahead of the model; a crash between the two leaves it behind, and
 * the writes it then repeats are version-guarded.
 */
export class RedisKeyValidationBulkRebuild implements BulkRebuild<KeyValidationView> {
  readonly name = keyValidationProjection.name;
  readonly projection = keyValidationProjection;

  constructor(
    private readonly redis: Redis,
    private readonly keyspace: RedisKeyspaceOf,
  ) {}

  async load(streamIds: readonly string[]): Promise<Map<string, KeyValidationView>> {
    const found = new Map<string, KeyValidationView>();
    for (const chunk of chunksOf(streamIds, 1000)) {
      const values = await this.redis.mget(...chunk.map((id) => this.keyspace.viewKey(id)));
      values.forEach((json, i) => {
        if (json) found.set(chunk[i], JSON.parse(json) as KeyValidationView);
      });
    }
    return found;
  }

  async flush(changes: readonly KeyChange<KeyValidationView>[], position: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    const hashPrefix = this.keyspace.hashKey('');
    for (const chunk of chunksOf(changes, KEYS_PER_SCRIPT)) {
      const keys: string[] = [];
      const args: string[] = [hashPrefix];
      for (const { streamId, document } of chunk) {
        const records = validationRecords(document);
        keys.push(this.keyspace.viewKey(streamId), ...records.map(([hash]) => this.keyspace.hashKey(hash)));
        args.push(String(document.version), JSON.stringify(document), String(records.length), ...records.map(([, record]) => JSON.stringify(record)));
      }
      pipeline.eval(UPSERT_VIEWS_SCRIPT, keys.length, ...keys, ...args);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    await this.redis.set(this.keyspace.checkpointKey(), String(position));
  }
}
