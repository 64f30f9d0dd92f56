import {
  KEY_CREATED,
  KEY_DISABLED,
  KEY_ENABLED,
  KEY_REVEALED,
  KEY_REVOKED,
  KEY_ROTATED,
  KEY_UPDATED,
  KEY_USED,
  KeyCreated,
  KeyCreatedData,
  KeyDisabled,
  KeyEnabled,
  KeyEvent,
  KeyRevealed,
  KeyRevoked,
  KeyRotated,
  KeyUpdated,
  KeyUpdatedData,
  KeyUsed,
  LeakReport,
  MinuteOutcomes,
  minuteOf,
  RateLimit,
  StoredKeyStatus,
  UsageQuota,
} from '@key-service/events';
import { KeyDomainError } from './key-domain.error';
import { countUsage, LimitUsage, resetUsage } from './using/limit-usage';

/** The hash of a rotated-out secret, which still verifies until `validUntil`. */
export interface GraceSecret {
  readonly hash: string;
  readonly validUntil: string;
}

/**
 * Names what `evolve` folds into ApiKeyState. Bump it whenever the state gains a field or folds an
 * event differently: snapshots of state folded by other code are then never read (see KeySnapshot).
 */
export const API_KEY_STATE_VERSION = 4;

export interface ApiKeyState {
  readonly keyId: string;
  readonly tenant: string;
  readonly name: string;
  readonly description: string | null;
  readonly hash: string;
  readonly prefix: string;
  readonly start: string;
  readonly roles: readonly string[];
  readonly owner: string | null;
  readonly environment: string | null;
  readonly annotations: Readonly<Record<string, string>>;
  readonly expiresAt: string | null;
  readonly rateLimit: RateLimit | null;
  readonly quota: UsageQuota | null;
  /** When the quota was last set: its periods count from then. */
  readonly quotaSetAt: string | null;
  /**
   * Usage in the log against the limits in force (absent until usage counts against one): what
   * restores the Redis counters after a Redis loss. Kept here so every read model a command
   * writes derives from this state alone.
   */
  readonly limitUsage?: LimitUsage;
  readonly status: StoredKeyStatus;
  /** Rotated-out secrets still in their grace period at the last rotation; a revoke ends them all. */
  readonly graceSecrets: readonly GraceSecret[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastUsedAt: string | null;
  readonly usageCount: number;
  readonly revokedAt: string | null;
  readonly revokeReason: string | null;
  // Access restrictions (since state version 3; recoverable since 4), as KeyCreated and KeyUpdated record them.
  readonly allowedIps: readonly string[] | null;
  readonly permissions: readonly string[];
  /**
   * Present (`true`) while the current secret is sealed in the vault: set by a recoverable create or
   * rotation, dropped by a rotation without it and by the revoke that shreds it.
   */
  readonly recoverable?: true;
}

/** The aggregate's state after its stream's first `version` events (null: not created yet). */
export interface ApiKeySnapshot {
  readonly state: ApiKeyState | null;
  readonly version: number;
}

/** What the aggregate needs to know of an event besides the event itself. */
export interface AppliedEvent {
  readonly occurredAt: string;
}

export type CreateKeyInput = KeyCreatedData;
export type UpdateKeyInput = KeyUpdatedData;

export interface RotateKeyInput {
  readonly hash: string;
  readonly prefix: string;
  readonly start: string;
  readonly gracePeriodSeconds: number;
  /** Keep the new plaintext sealed in the vault, revealable (see KeyCreatedData.recoverable). */
  readonly recoverable?: boolean;
}

/**
 * The ApiKey aggregate. Command methods check the rules against the current state and return the
 * events that record the decision (the caller appends them); `evolve` only folds events into state.
 */
export class ApiKey {
  private constructor(
    private stateValue: ApiKeyState | null,
    private versionValue: number,
  ) {}

  static empty(): ApiKey {
    return new ApiKey(null, 0);
  }

  static rehydrate(events: ReadonlyArray<KeyEvent & AppliedEvent>): ApiKey {
    const key = ApiKey.empty();
    for (const event of events) key.apply(event);
    return key;
  }

  /**
   * The aggregate as a snapshot left it: `state` folded from its stream's first `version` events.
   * The events after the snapshot are then applied as usual.
   */
  static restore(snapshot: ApiKeySnapshot): ApiKey {
    return new ApiKey(snapshot.state, snapshot.version);
  }

  /** What a snapshot keeps; plain JSON, so it survives the trip through the store unchanged. */
  get snapshot(): ApiKeySnapshot {
    return { state: this.stateValue, version: this.versionValue };
  }

  get exists(): boolean {
    return this.stateValue !== null;
  }

  /** Number of events folded in: the expected version for the next append. */
  get version(): number {
    return this.versionValue;
  }

  get state(): ApiKeyState {
    if (!this.stateValue) throw new KeyDomainError('KEY_NOT_FOUND', 'Key does not exist');
    return this.stateValue;
  }

  apply(event: KeyEvent & AppliedEvent): void {
    this.stateValue = evolve(this.stateValue, event);
    this.versionValue += 1;
  }

  create(input: CreateKeyInput, now: Date): KeyCreated[] {
    if (this.stateValue) throw new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${input.keyId}' already exists`);
    assertFutureExpiry(input.expiresAt, now);
    return [{ type: KEY_CREATED, data: input }];
  }

  update(input: UpdateKeyInput, now: Date): KeyUpdated[] {
    const state = this.state;
    this.assertNotRevoked('update');
    if (input.expiresAt !== undefined) assertFutureExpiry(input.expiresAt, now);
    const changes = changedFields(state, input);
    if (Object.keys(changes).length === 0) return [];
    return [{ type: KEY_UPDATED, data: changes }];
  }

  /**
   * Usage is recorded after the fact, so it can arrive after a revoke: verifies that were in flight
   * on another instance when the revoke committed, stamped by that instance's clock. They were
   * answered before the revoke was in force there, so their times are clamped to the revoke's:
   * no KeyUsed in a stream says the key was used after its KeyRevoked (docs/events.md). Rejected
   * answers (`outcomes` other than VALID) are recorded whatever the key's state, a revoked key's
   * too: they change nothing but counters, and one event a window per instance bounds them.
   * `outcomes` defaults to all `count` successes in the minute of `lastUsedAt`.
   */
  recordUsage(count: number, firstUsedAt: string | null, lastUsedAt: string | null, outcomes?: readonly MinuteOutcomes[]): KeyUsed[] {
    const { revokedAt } = this.state;
    if (!Number.isInteger(count) || count < 0) throw new KeyDomainError('INVALID_USAGE', 'Usage count must be a non-negative integer');
    if (count > 0 && (firstUsedAt === null || lastUsedAt === null))
      throw new KeyDomainError('INVALID_USAGE', 'Usage with a count needs firstUsedAt and lastUsedAt');
    const minutes = outcomes ?? (count > 0 ? [{ minute: minuteOf(lastUsedAt!), counts: { VALID: count } }] : []);
    assertOutcomes(count, minutes);
    const clamp = (at: string) => (revokedAt !== null && Date.parse(at) > Date.parse(revokedAt) ? revokedAt : at);
    return [
      {
        type: KEY_USED,
        data: {
          count,
          firstUsedAt: count > 0 ? clamp(firstUsedAt!) : null,
          lastUsedAt: count > 0 ? clamp(lastUsedAt!) : null,
          outcomes: revokedAt === null ? minutes : clampValidMinutes(minutes, minuteOf(revokedAt)),
        },
      },
    ];
  }

  revoke(reason: string | null, leak?: LeakReport): KeyRevoked[] {
    this.assertNotRevoked('revoke');
    return [{ type: KEY_REVOKED, data: leak === undefined ? { reason } : { reason, leak } }];
  }

  disable(reason: string | null): KeyDisabled[] {
    this.assertNotRevoked('disable');
    if (this.state.status === 'DISABLED')
      throw new KeyDomainError('KEY_ALREADY_DISABLED', `Key '${this.state.keyId}' is already disabled`);
    return [{ type: KEY_DISABLED, data: { reason } }];
  }

  enable(reason: string | null): KeyEnabled[] {
    this.assertNotRevoked('enable');
    if (this.state.status !== 'DISABLED')
      throw new KeyDomainError('KEY_NOT_DISABLED', `Key '${this.state.keyId}' is not disabled`);
    return [{ type: KEY_ENABLED, data: { reason } }];
  }

  rotate(input: RotateKeyInput, now: Date): KeyRotated[] {
    this.assertNotRevoked('rotate');
    if (!Number.isInteger(input.gracePeriodSeconds) || input.gracePeriodSeconds < 0)
      throw new KeyDomainError('INVALID_GRACE_PERIOD', 'gracePeriodSeconds must be a non-negative integer');
    const previousValidUntil =
      input.gracePeriodSeconds > 0 ? new Date(now.getTime() + input.gracePeriodSeconds * 1000).toISOString() : null;
    return [
      {
        type: KEY_ROTATED,
        data: {
          hash: input.hash,
          prefix: input.prefix,
          start: input.start,
          previousHash: this.state.hash,
          previousValidUntil,
          ...(input.recoverable ? { recoverable: true as const } : {}),
        },
      },
    ];
  }

  /**
   * Records that the caller is shown the plaintext. Only a live recoverable key's: a revoked key's
   * sealed secret was destroyed with its revoke (409), a key that was never recoverable, or whose
   * secret was rotated without it, has none (404).
   */
  reveal(requestId: string): KeyRevealed[] {
    this.assertNotRevoked('reveal');
    const { keyId, recoverable } = this.state;
    if (!recoverable)
      throw new KeyDomainError('KEY_NOT_RECOVERABLE', `Key '${keyId}' is not recoverable: its current secret was not issued with recoverable: true`);
    return [{ type: KEY_REVEALED, data: { requestId } }];
  }

  private assertNotRevoked(action: string): void {
    const { keyId, status } = this.state;
    if (status !== 'REVOKED') return;
    const message = action === 'revoke' ? `Key '${keyId}' is already revoked` : `Key '${keyId}' is revoked; cannot ${action} it`;
    throw new KeyDomainError('KEY_REVOKED', message);
  }
}

function assertFutureExpiry(expiresAt: string | null, now: Date): void {
  if (expiresAt !== null && Date.parse(expiresAt) <= now.getTime())
    throw new KeyDomainError('INVALID_EXPIRY', `expiresAt must be in the future (got ${expiresAt})`);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function changedFields(state: ApiKeyState, input: UpdateKeyInput): KeyUpdatedData {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!sameJson(state[field as keyof ApiKeyState], value)) changes[field] = value;
  }
  return changes as KeyUpdatedData;
}

/** Folds one event into the state. No rules here: events are facts. */
export function evolve(state: ApiKeyState | null, event: KeyEvent & AppliedEvent): ApiKeyState | null {
  const at = event.occurredAt;
  if (event.type === KEY_CREATED) {
    // The algorithm shows in the hash itself (an imported one starts with `sha256:`), and a
    // rotation replaces both: the state keeps the hash alone.
    const { keyId, hashAlgorithm: _hashAlgorithm, ...data } = event.data;
    // A literal that opens with a property, not with the spread: one opening with the spread and
    // adding fields after it cost V8 about 9 µs a call (a new hidden class each time), 20 times
    // this; the fields and their values are the same.
    return {
      keyId,
      ...data,
      quotaSetAt: data.quota ? at : null,
      status: 'ACTIVE',
      graceSecrets: [],
      createdAt: at,
      updatedAt: at,
      lastUsedAt: null,
      usageCount: 0,
      revokedAt: null,
      revokeReason: null,
    };
  }
  if (!state) return state;
  switch (event.type) {
    case KEY_UPDATED: {
      const d = event.data;
      const quotaChanged = d.quota !== undefined;
      const rateWindowChanged = d.rateLimit !== undefined && d.rateLimit?.durationMs !== state.rateLimit?.durationMs;
      return {
        ...state,
        ...d,
        quotaSetAt: quotaChanged ? (d.quota ? at : null) : state.quotaSetAt,
        limitUsage: resetUsage(state.limitUsage, quotaChanged, rateWindowChanged),
        updatedAt: at,
      } as ApiKeyState;
    }
    case KEY_USED:
      // Only successful verifications are usage; a window of rejections alone changes nothing here.
      if (event.data.lastUsedAt === null) return state;
      return {
        ...state,
        usageCount: state.usageCount + event.data.count,
        lastUsedAt:
          state.lastUsedAt && state.lastUsedAt > event.data.lastUsedAt ? state.lastUsedAt : event.data.lastUsedAt,
        limitUsage:
          state.quota || state.rateLimit ? countUsage(state.limitUsage, state, event.data.count, event.data.lastUsedAt) : state.limitUsage,
      };
    case KEY_REVOKED: {
      // The revoke shreds the sealed secret: the key is no longer recoverable.
      const { recoverable: _shredded, ...rest } = state;
      return { ...rest, status: 'REVOKED', revokedAt: at, revokeReason: event.data.reason, graceSecrets: [], updatedAt: at };
    }
    case KEY_DISABLED:
      return { ...state, status: 'DISABLED', updatedAt: at };
    case KEY_ENABLED:
      return { ...state, status: 'ACTIVE', updatedAt: at };
    case KEY_REVEALED:
      // A reveal changes nothing about the key; it is in the log for the audit trail.
      return state;
    case KEY_ROTATED: {
      const until = event.data.previousValidUntil;
      // A rotation also drops the secrets whose grace had ended by then.
      const stillValid = state.graceSecrets.filter((g) => Date.parse(g.validUntil) > Date.parse(at));
      // The old secret's sealed copy goes with the rotation; the new one is recoverable only if asked.
      const { recoverable: _previous, ...rest } = state;
      return {
        ...rest,
        ...(event.data.recoverable ? { recoverable: true as const } : {}),
        hash: event.data.hash,
        prefix: event.data.prefix,
        start: event.data.start,
        graceSecrets: until === null ? stillValid : [...stillValid, { hash: event.data.previousHash, validUntil: until }],
        updatedAt: at,
      };
    }
    default:
      return state;
  }
}

function assertOutcomes(count: number, minutes: readonly MinuteOutcomes[]): void {
  if (minutes.length === 0 && count === 0) throw new KeyDomainError('INVALID_USAGE', 'Usage must count at least one verification');
  let valid = 0;
  for (const { minute, counts } of minutes) {
    if (minuteOf(minute) !== minute) throw new KeyDomainError('INVALID_USAGE', `'${minute}' is not the start of a UTC minute`);
    for (const [code, n] of Object.entries(counts)) {
      if (!Number.isInteger(n) || n < 1) throw new KeyDomainError('INVALID_USAGE', `Outcome count of ${code} must be a positive integer`);
      if (code === 'VALID') valid += n;
    }
  }
  if (valid !== count) throw new KeyDomainError('INVALID_USAGE', `VALID outcomes (${valid}) must sum to the usage count (${count})`);
}

/** Successes counted in minutes after the revoke's were in flight before it: they move to its minute. */
function clampValidMinutes(minutes: readonly MinuteOutcomes[], revokedMinute: string): MinuteOutcomes[] {
  const byMinute = new Map<string, Record<string, number>>();
  const add = (minute: string, code: string, n: number) => {
    const counts = byMinute.get(minute) ?? {};
    counts[code] = (counts[code] ?? 0) + n;
    byMinute.set(minute, counts);
  };
  for (const { minute, counts } of minutes)
    for (const [code, n] of Object.entries(counts)) add(code === 'VALID' && minute > revokedMinute ? revokedMinute : minute, code, n);
  return [...byMinute].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([minute, counts]) => ({ minute, counts }));
}
