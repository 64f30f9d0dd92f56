import { randomBytes, randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG at once: a pool serves about 47 secrets of 86 bytes each. */
const POOL_BYTES = 4096;

/**
 * CSPRNG output drawn a pool at a time and handed out in slices, each byte once: a randomBytes
 * call per secret (a Buffer and a call into OpenSSL for 86 bytes) was over half of
 * generateSecret's time. The same scheme node uses for randomUUID. A slice is a view of the pool,
 * valid until the next call: it is for synchronous use, as randomBase62 makes of it.
 */
export class RandomPool {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  take(size: number): Uint8Array {
    if (size > POOL_BYTES) return randomBytes(size);
    if (this.offset + size > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const slice = this.pool.subarray(this.offset, this.offset + size);
    this.offset += size;
    return slice;
  }
}
