import { UsageBuffer } from './usage.buffer';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('UsageBuffer', () => {
  it('coalesces every answer about a key into one entry, split by UTC minute, successes alone as usage', () => {
    const buffer = new UsageBuffer();
    for (let i = 0; i < 5; i++) buffer.record('acme/k', 'VALID', T + 58_000 + i * 1000);
    buffer.record('acme/k', 'RATE_LIMITED', T + 59_500);
    buffer.record('acme/r', 'REVOKED', T + 1);
    buffer.record('acme/r', 'REVOKED', T + 2);
    expect(buffer.drain()).toEqual([
      {
        streamId: 'acme/k',
        count: 5,
        firstUsedAt: new Date(T + 58_000).toISOString(),
        lastUsedAt: new Date(T + 62_000).toISOString(),
        outcomes: [
          { minute: new Date(T).toISOString(), counts: { VALID: 2, RATE_LIMITED: 1 } },
          { minute: new Date(T + 60_000).toISOString(), counts: { VALID: 3 } },
        ],
      },
      { streamId: 'acme/r', count: 0, firstUsedAt: null, lastUsedAt: null, outcomes: [{ minute: new Date(T).toISOString(), counts: { REVOKED: 2 } }] },
    ]);
    expect(buffer.size).toBe(0);
  });

  it('takes back a failed flush and merges it with what came meanwhile', () => {
    const buffer = new UsageBuffer();
    buffer.record('acme/k', 'VALID', T + 1000);
    buffer.record('acme/k', 'EXPIRED', T + 2000);
    const [failed] = buffer.drain();
    buffer.record('acme/k', 'VALID', T + 3000);
    buffer.restore(failed);
    expect(buffer.drain()).toEqual([
      {
        streamId: 'acme/k',
        count: 2,
        firstUsedAt: new Date(T + 1000).toISOString(),
        lastUsedAt: new Date(T + 3000).toISOString(),
        outcomes: [{ minute: new Date(T).toISOString(), counts: { VALID: 2, EXPIRED: 1 } }],
      },
    ]);
  });
});
