import { SqlQueryable } from './sql-client';

/** Who caused an event; mirrors the domain's Actor without depending on it. */
export interface EventActor {
  readonly type: string;
  readonly id: string;
}

/** An event to append; the store assigns its stream version and global position. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: object;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly actor: EventActor;
  readonly correlationId: string;
}

export interface StoredEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly tenant: string;
  readonly type: string;
  /** 1-based position in its stream. */
  readonly version: number;
  /** Global position: unique, increasing within a stream; the feed's cursor. */
  readonly position: number;
  readonly occurredAt: string;
  readonly actor: EventActor;
  readonly correlationId: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}

/** A fold of a stream's events up to `version`, taken by the code that folds them. */
export interface StreamSnapshot {
  readonly version: number;
  readonly state: Record<string, unknown>;
}

export interface StreamTail {
  /** The newest snapshot under the schema asked for; null when there is none. */
  readonly snapshot: StreamSnapshot | null;
  /** The events after the snapshot (all of them without one), in version order. */
  readonly events: StoredEvent[];
}

export interface AppendResult {
  /** Stream version after the append. */
  readonly nextVersion: number;
  readonly positions: readonly number[];
}

/**
 * Writes that must commit or roll back with an append (a recoverable key's sealed secret, its
 * deletion on revoke). They run in the append's transaction, after its insert succeeded; throwing
 * rolls the append back. Without one an append stays a single statement.
 */
export interface AppendOptions {
  readonly within?: (tx: SqlQueryable) => Promise<void>;
  /**
   * Work of the append's own statement (so its round trip and its commit): run once, only when the
   * insert happened, after it. Failing (an error raised in it) fails the append, as `within` does.
   */
  readonly alongside?: AppendAlongside;
}

/** Adds a value to the statement and answers its placeholder, cast to `type`. */
export type AppendParam = (value: unknown, type: string) => string;

/**
 * SQL to run in an append's statement when the append succeeds, such as read-model rows that must
 * commit with the events, without a second statement and commit after them. Either form's text
 * must depend on the shape of the work, never on its values: appends of a few events are prepared
 * statements, one per text (QueryOptions.prepared).
 */
export type AppendAlongside = AlongsideSelect | AlongsideWrites;

/** Work as expressions: functions whose own statements do it (when it needs their locks or branches). */
export interface AlongsideSelect {
  /**
   * A select list (one or more expressions, evaluated left to right, once). `positions` is an SQL
   * expression of type bigint[] holding the appended events' global positions in their order,
   * 1-based, for the values only the insert knows.
   */
  readonly select: (param: AppendParam, positions: string) => string;
}

/**
 * Work as plain data-modifying statements, run as CTEs of the append's statement: no function
 * call, no statement of its own to plan or start. Each is an `INSERT … SELECT … FROM appended …`
 * (or UPDATE/DELETE … USING appended), where `appended` is a relation of one row when the insert
 * happened and none otherwise, its column `positions` as in AlongsideSelect. Their order among
 * themselves is PostgreSQL's to choose, and each reads the tables as the statement found them,
 * none of the others' writes: they must not depend on one another.
 */
export interface AlongsideWrites {
  readonly writes: (param: AppendParam) => readonly string[];
}

/** The same for `startStreams`: `started` says which streams the insert started (position not null). */
export interface StartStreamsOptions {
  readonly within?: (tx: SqlQueryable, started: readonly StartedStream[]) => Promise<void>;
}

/** The first event of a new stream, for `startStreams`. */
export interface NewStream {
  readonly streamId: string;
  readonly tenant: string;
  readonly event: NewEvent;
}

/** Per stream of a `startStreams` call, in its order: the position of its first event, or null when the stream existed. */
export type StartedStream = { readonly streamId: string; readonly position: number } | { readonly streamId: string; readonly position: null };

/** A window of one stream, in version order: for pages of a history that may be long. */
export interface StreamRange {
  /** Only events after this stream version; 0 (the default) reads from the first. */
  readonly afterVersion?: number;
  /** At most this many events; all of them when absent. */
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Read events after this position (a checkpoint); 0 reads from the start. */
  readonly after: number;
  readonly limit: number;
}

export interface EventQuery {
  readonly tenant?: string;
  readonly streamId?: string;
  readonly type?: string;
  readonly actorId?: string;
  readonly from?: string;
  readonly to?: string;
  /** Cursor: only events with a greater global position. */
  readonly afterPosition?: number;
  readonly limit: number;
}

/**
 * The event store: the only source of truth. Appends are optimistic (expected stream version);
 * `readAll` is the position feed for projections and the relay, and never skips an event that a
 * transaction still in flight will commit later.
 */
export interface EventStore {
  /** `expectedVersion` 0 means the stream must not exist yet. */
  appendToStream(streamId: string, tenant: string, expectedVersion: number, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Starts many streams in one round trip and one transaction, each with one event at version 1
   * (expected version 0). A stream that exists already (or is named twice) is reported with a null
   * position and the others are started all the same: per-stream outcomes, not all-or-nothing.
   */
  startStreams(streams: readonly NewStream[], options?: StartStreamsOptions): Promise<StartedStream[]>;
  readStream(streamId: string, range?: StreamRange): Promise<StoredEvent[]>;
  /**
   * What loading a stream needs, in one read: its newest snapshot taken under `schema` and the
   * events after it. `schema` names the folding code: a snapshot taken by other code is not used.
   */
  readStreamTail(streamId: string, schema: string): Promise<StreamTail>;
  /**
   * Keeps `state`, the fold of the stream's events up to `version`, as its snapshot under
   * `schema`, unless a snapshot of a later version is kept already (writers may race).
   */
  saveSnapshot(streamId: string, schema: string, snapshot: StreamSnapshot): Promise<void>;
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  /** Highest position appended so far (committed or not yet visible), for lag measurements. */
  headPosition(): Promise<number>;
  queryEvents(query: EventQuery): Promise<StoredEvent[]>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
