import { RandomPool } from './random-pool';

describe('RandomPool', () => {
  it('hands out each byte of a pool once: no two slices of a run share bytes', () => {
    const pool = new RandomPool();
    // 100 draws of 86 bytes run over two refills; copies, since a slice is valid until the next call.
    const slices = Array.from({ length: 100 }, () => Buffer.from(pool.take(86)).toString('hex'));
    expect(slices.every((s) => s.length === 172)).toBe(true);
    expect(new Set(slices).size).toBe(100);
  });

  it('serves a draw larger than the pool on its own', () => {
    expect(new RandomPool().take(10_000)).toHaveLength(10_000);
  });
});
