import { randomBytes } from 'node:crypto';
import { PartitionMetadata, Partitioners } from 'kafkajs';
import { Murmur2Partitioner } from './murmur2.partitioner';

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));

/** Keys of every length remainder, ASCII and not, and the shape the relay sends (`<tenant>/<key id>`). */
function keys(): Array<string | Buffer> {
  const out: Array<string | Buffer> = ['', 'a', 'ab', 'abc', 'abcd', 'default/key_01HZX3', 'tenant-ä/ключ-🔑'];
  for (let i = 0; i < 400; i++) {
    out.push(randomBytes(i % 70).toString('base64url'));
    out.push(randomBytes(i % 37));
    out.push(`t${i}/${randomBytes(8).toString('hex')}`);
  }
  return out;
}

describe('Murmur2Partitioner', () => {
  it.each([1, 2, 3, 12, 64, 1000])('puts every key on the partition kafkajs DefaultPartitioner does, over %i partitions', (count) => {
    const ours = Murmur2Partitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const partitionMetadata = metadata(count);
    const differ = keys().filter((key) => {
      const args = { topic: 't', partitionMetadata, message: { key, value: 'v' } };
      return ours(args) !== theirs(args);
    });
    expect(differ).toEqual([]);
  });

  it('honours a message that names its partition', () => {
    expect(Murmur2Partitioner()({ topic: 't', partitionMetadata: metadata(8), message: { key: 'k', value: 'v', partition: 5 } })).toBe(5);
  });

  it('spreads keyless messages over the available partitions as kafkajs does', () => {
    const partition = Murmur2Partitioner()({ topic: 't', partitionMetadata: metadata(8), message: { value: 'v' } });
    expect(partition).toBeGreaterThanOrEqual(0);
    expect(partition).toBeLessThan(8);
  });
});
