import fc from 'fast-check';
import { ApiKey } from '@keys/domain';
import { RecordedKeyEvent } from '@key-service/events';
import { iso, RecordedKeyStream, T0 } from '../../../test/support/recorded-key-event.fixtures';
import { keyDetailsProjection } from './key-details/key-details.projection';
import { detailsOf } from './key-details/key-details.of-state';
import { foldKeyEvents } from './key-projection';
import { keyValidationProjection } from './key-validation/key-validation.projection';
import { validationViewOf } from './key-validation/key-validation.of-state';

const MINUTE = 60_000;
const rateLimit = { limit: 10, durationMs: MINUTE };
const quota = { remaining: 100, refill: 'daily' as const, refillAmount: 100 };

/** One step of a key's life after its creation, `gap` minutes after the one before. */
type Step =
  | { kind: 'used'; count: number; gap: number }
  | { kind: 'updated'; quota: boolean | null; rate: boolean | null; rateDurationMs: number; gap: number }
  | { kind: 'rotated'; graceMinutes: number; gap: number }
  | { kind: 'access'; allowedIps: readonly string[] | null | undefined; permissions: readonly string[] | undefined; gap: number }
  | { kind: 'disabled' | 'enabled' | 'revoked'; gap: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('used' as const), count: fc.integer({ min: 1, max: 50 }), gap: fc.integer({ min: 0, max: 1500 }) }),
  fc.record({
    kind: fc.constant('updated' as const),
    quota: fc.option(fc.boolean(), { nil: null }),
    rate: fc.option(fc.boolean(), { nil: null }),
    rateDurationMs: fc.constantFrom(MINUTE, 10 * MINUTE),
    gap: fc.integer({ min: 0, max: 1500 }),
  }),
  fc.record({
    kind: fc.constant('access' as const),
    allowedIps: fc.constantFrom(undefined, null, ['10.0.0.0/8'], ['2001:db8::/32', '203.0.113.7']),
    permissions: fc.constantFrom(undefined, [], ['orders.read'], ['orders.read', 'billing.read']),
    gap: fc.integer({ min: 0, max: 60 }),
  }),
  fc.record({ kind: fc.constant('rotated' as const), graceMinutes: fc.integer({ min: 0, max: 120 }), gap: fc.integer({ min: 0, max: 120 }) }),
  fc.record({ kind: fc.constantFrom('disabled' as const, 'enabled' as const, 'revoked' as const), gap: fc.integer({ min: 0, max: 60 }) }),
);

/** A key's stream from the steps: the events need not be ones the aggregate would decide, as in a store written by older code. */
function streamOf(limited: boolean, steps: readonly Step[]): RecordedKeyEvent[] {
  const key = new RecordedKeyStream('key-1', 'acme');
  let at = T0;
  const events = [
    key.created(
      { rateLimit: limited ? rateLimit : null, quota: limited ? quota : null, ...(limited ? { allowedIps: ['10.0.0.0/8'], permissions: ['orders.read'] } : {}) },
      at,
    ),
  ];
  steps.forEach((s, i) => {
    at += s.gap * MINUTE;
    if (s.kind === 'used') events.push(key.used(s.count, at));
    else if (s.kind === 'updated')
      events.push(
        key.updated(
          {
            ...(s.quota === null ? {} : { quota: s.quota ? { ...quota, remaining: 10 + i } : null }),
            ...(s.rate === null ? {} : { rateLimit: s.rate ? { limit: 5, durationMs: s.rateDurationMs } : null }),
          },
          at,
        ),
      );
    else if (s.kind === 'access')
      events.push(
        key.updated(
          { ...(s.allowedIps === undefined ? {} : { allowedIps: s.allowedIps }), ...(s.permissions === undefined ? {} : { permissions: s.permissions }) },
          at,
        ),
      );
    else if (s.kind === 'rotated')
      events.push(
        key.rotated(
          {
            hash: `hash-${i + 2}`,
            prefix: 'sk',
            start: `sk_…${i}`,
            previousHash: `hash-${i + 1}`,
            previousValidUntil: s.graceMinutes > 0 ? iso(at + s.graceMinutes * MINUTE) : null,
          },
          at,
        ),
      );
    else if (s.kind === 'disabled') events.push(key.disabled('paused', at));
    else if (s.kind === 'enabled') events.push(key.enabled(null, at));
    else events.push(key.revoked('leaked', at));
  });
  return events;
}

const asStored = (document: unknown): unknown => JSON.parse(JSON.stringify(document));

/** As a snapshot carries it: the state as JSON, restored, then the events after it applied. */
function restoredThrough(events: readonly RecordedKeyEvent[], cut: number): ApiKey {
  const atCut = ApiKey.rehydrate(events.slice(0, cut));
  const key = ApiKey.restore(JSON.parse(JSON.stringify(atCut.snapshot)));
  for (const event of events.slice(cut)) key.apply(event);
  return key;
}

describe('Read-model documents derived from the aggregate state', () => {
  const streams = fc
    .tuple(fc.boolean(), fc.array(step, { maxLength: 30 }))
    .map(([limited, steps]) => streamOf(limited, steps))
    .chain((events) => fc.tuple(fc.constant(events), fc.integer({ min: 1, max: events.length })));

  it('the validation view a command writes equals the projection folded from every event, from any snapshot', () => {
    fc.assert(
      fc.property(streams, ([events, cut]) => {
        const key = restoredThrough(events, cut);
        // As stored (JSON): a field present in one and absent in the other differs too.
        expect(asStored(validationViewOf(key.state, key.version))).toStrictEqual(asStored(foldKeyEvents(keyValidationProjection, null, events).document));
      }),
      { numRuns: 300 },
    );
  });

  it('the details a command answers equal the query model folded from every event, but for its list position', () => {
    fc.assert(
      fc.property(streams, ([events, cut]) => {
        const key = restoredThrough(events, cut);
        const { createdPosition, ...folded } = foldKeyEvents(keyDetailsProjection, null, events).document!;
        expect(createdPosition).toBe(events[0].position);
        expect(asStored(detailsOf(key.state, key.version))).toStrictEqual(asStored(folded));
      }),
      { numRuns: 300 },
    );
  });

  it('carries the usage counted against the limits, and the grace of rotated-out secrets, as the fold does', () => {
    const key = new RecordedKeyStream('key-1', 'acme');
    const events = [
      key.created({ rateLimit, quota }, T0),
      key.used(3, T0 + 1000),
      key.rotated({ hash: 'hash-2', prefix: 'sk', start: 'sk_…2', previousHash: 'hash-1', previousValidUntil: iso(T0 + 30 * MINUTE) }, T0 + 2000),
    ];
    const view = validationViewOf(ApiKey.rehydrate(events).state, 3);
    expect(view.limitUsage?.quota?.used).toBe(3);
    expect(view.limitUsage?.rate?.used).toBe(3);
    expect(view.graceSecrets).toEqual([{ hash: 'hash-1', validUntil: iso(T0 + 30 * MINUTE) }]);
  });
});
