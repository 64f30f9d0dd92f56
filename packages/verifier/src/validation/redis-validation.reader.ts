import type { Redis } from 'ioredis';
import { ValidationRecord } from './validation-record';

/** Where the validation model keeps the record of one hash, under RedisKeyspace.validation. */
export function validationHashKey(validationPrefix: string, hash: string): string {
  return `${validationPrefix}hash:${hash}`;
}

/**
 * Reads the validation model in Redis, read only: what a verifier needs of it. The projector's
 * RedisKeyValidationStore writes the same keys (and reads through this).
 */
export class RedisValidationReader {
  constructor(
    private readonly redis: Redis,
    /** RedisKeyspace.validation */
    private readonly prefix: string,
  ) {}

  async lookup(hash: string): Promise<ValidationRecord | null> {
    const json = await this.redis.get(validationHashKey(this.prefix, hash));
    return json ? (JSON.parse(json) as ValidationRecord) : null;
  }
}
