import { KeyCreatedData, KeyRotatedData, KeyUpdatedData, minuteOf, RecordedKeyEvent } from '@key-service/events';
import { generateSecret, KeyHasher } from '@key-service/verifier';

export const T0 = Date.UTC(2026, 0, 10, 12);
export const iso = (ms: number): string => new Date(ms).toISOString();

const hasher = new KeyHasher('unit-pepper-0123456789abcdef');

/** A real secret and its hash, so a test can assert the plaintext never travels past the command. */
export function issueSecret(prefix = 'sk'): { plaintext: string; hash: string; prefix: string; start: string } {
  const secret = generateSecret(prefix);
  return { ...secret, hash: hasher.hash(secret.plaintext) };
}

/**
 * One key's stream as the event store records it, built in memory for the pure projections:
 * versions from 1, positions increasing, each event at the time the test gives it.
 */
export class RecordedKeyStream {
  private version = 0;
  private position: number;

  constructor(
    readonly keyId = 'key-1',
    readonly tenant = 'acme',
    firstPosition = 100,
  ) {
    this.position = firstPosition - 1;
  }

  created(data: Partial<KeyCreatedData> = {}, at = T0): RecordedKeyEvent {
    return this.next(
      {
        type: 'KeyCreated',
        data: {
          keyId: this.keyId,
          tenant: this.tenant,
          name: 'ci deploys',
          description: 'deploys from CI',
          hash: 'hash-1',
          prefix: 'sk',
          start: 'sk_…abcd',
          roles: ['deploy'],
          owner: 'team-a',
          environment: 'production',
          expiresAt: null,
          annotations: { purpose: 'ci' },
          rateLimit: null,
          quota: null,
          allowedIps: null,
          permissions: [],
          ...data,
        },
      },
      at,
    );
  }

  updated(data: KeyUpdatedData, at = T0): RecordedKeyEvent {
    return this.next({ type: 'KeyUpdated', data }, at);
  }

  used(count: number, lastUsedAt: number, at = lastUsedAt): RecordedKeyEvent {
    return this.next({ type: 'KeyUsed', data: { count, firstUsedAt: iso(lastUsedAt - 1000), lastUsedAt: iso(lastUsedAt), outcomes: [{ minute: minuteOf(lastUsedAt), counts: { VALID: count } }] } }, at, {
      type: 'system',
      id: 'key-service',
    });
  }

  revoked(reason: string | null, at = T0): RecordedKeyEvent {
    return this.next({ type: 'KeyRevoked', data: { reason } }, at);
  }

  disabled(reason: string | null, at = T0): RecordedKeyEvent {
    return this.next({ type: 'KeyDisabled', data: { reason } }, at);
  }

  enabled(reason: string | null, at = T0): RecordedKeyEvent {
    return this.next({ type: 'KeyEnabled', data: { reason } }, at);
  }

  rotated(data: KeyRotatedData, at = T0): RecordedKeyEvent {
    return this.next({ type: 'KeyRotated', data }, at);
  }

  private next(
    event: Pick<RecordedKeyEvent, 'type' | 'data'>,
    at: number,
    actor: RecordedKeyEvent['actor'] = { type: 'root', id: 'root' },
  ): RecordedKeyEvent {
    this.version++;
    this.position++;
    return {
      ...event,
      eventId: `${this.keyId}-${this.version}`,
      keyId: this.keyId,
      tenant: this.tenant,
      version: this.version,
      position: this.position,
      occurredAt: iso(at),
      actor,
      correlationId: `corr-${this.version}`,
      schemaVersion: 1,
    } as RecordedKeyEvent;
  }
}
