import { ICustomPartitioner, PartitionerArgs, Partitioners } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 of `data` (the Java client's `Utils.murmur2`), as a signed 32-bit integer. The
 * same as kafkajs's, which computes it over BigInt-backed longs that grow with every step of the
 * key (its multiplications and allocations were about a tenth of the relay's JavaScript per
 * event): every step here is 32-bit, and the low 32 bits of a product or xor depend only on the
 * low 32 bits of its operands, so the results agree (murmur2.partitioner.unit.spec.ts checks it).
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last one to three bytes, as the Java switch's fall-through cases take them.
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2] << 16;
    if (rest >= 2) h ^= data[whole + 1] << 8;
    h ^= data[whole];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * kafkajs's DefaultPartitioner (murmur2 of the key, as Java clients partition, so consumers in any
 * language agree on key → partition) with the hash above. A message naming its partition, or
 * without a key, is left to kafkajs's own. With one partition every key maps to it, unhashed.
 */
export const Murmur2Partitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args: PartitionerArgs): number => {
    const { partitionMetadata, message } = args;
    if ((message.partition !== null && message.partition !== undefined) || message.key === null || message.key === undefined) return fallback(args);
    const partitions = partitionMetadata.length;
    if (partitions === 1) return 0;
    const key = typeof message.key === 'string' ? Buffer.from(message.key, 'utf8') : message.key;
    return (murmur2(key) & 0x7fffffff) % partitions;
  };
};
