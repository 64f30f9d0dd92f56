import { RecordedKeyStream, T0 } from '../../../test/support/recorded-key-event.fixtures';
import { decide, foldKeyEvents, groupByKey, newestVersions } from './key-projection';

describe('Folding key events by stream version', () => {
  it('applies the next version, skips one already folded and refuses a gap', () => {
    const key = new RecordedKeyStream();
    const [v1, v2, v3] = [key.created({}, T0), key.used(1, T0 + 1), key.revoked(null, T0 + 2)];
    expect(decide(null, v1)).toBe('apply');
    expect(decide(null, v2)).toBe('gap');
    expect(decide({ version: 1 }, v2)).toBe('apply');
    expect(decide({ version: 2 }, v2)).toBe('duplicate');
    expect(decide({ version: 2 }, v1)).toBe('duplicate');
    expect(decide({ version: 1 }, v3)).toBe('gap');
  });

  it('splits a batch per key (its stream: tenant/id) and keeps each key\'s events in batch order', () => {
    const a = new RecordedKeyStream('key-a');
    const b = new RecordedKeyStream('key-b');
    const [a1, b1, a2, b2, a3] = [a.created(), b.created(), a.used(1, T0), b.revoked(null), a.disabled(null)];
    const grouped = groupByKey([a1, b1, a2, b2, a3]);
    expect([...grouped.keys()]).toEqual(['acme/key-a', 'acme/key-b']);
    expect(grouped.get('acme/key-a')).toEqual([a1, a2, a3]);
    expect(grouped.get('acme/key-b')).toEqual([b1, b2]);
  });

  it("gives each key's newest version in a batch, at or past which its stored row needs no read: every event is then a duplicate", () => {
    const a = new RecordedKeyStream('key-a');
    const b = new RecordedKeyStream('key-b');
    const [a1, b1, a2, a3] = [a.created(), b.created(), a.used(1, T0), a.disabled(null)];
    // A redelivery can carry a key's events out of order: the newest is the highest, not the last.
    const byKey = [...groupByKey([a1, b1, a3, a2]).values()];
    expect(newestVersions(byKey)).toEqual([3, 1]);
    const counting = { name: 'count', evolve: (_current: { version: number } | null, e: { version: number }) => ({ version: e.version }) };
    expect(foldKeyEvents(counting, { version: 3 }, byKey[0]).applied).toBe(0);
    expect(foldKeyEvents(counting, { version: 2 }, byKey[0]).applied).toBe(1);
  });
});
