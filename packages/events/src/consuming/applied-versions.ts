/**
 * Per key, the last event version a consumer applied: what drops redeliveries. Keep it with the
 * state the events build (same database, same transaction) and a consumer is exactly-once in
 * effect; the in-memory one suits state that is itself rebuilt from the topic at every start.
 */
export interface AppliedVersionStore {
  /** The last version applied for a key, by its stream id `<tenant>/<keyId>`; undefined when none. */
  lastApplied(streamId: string): Promise<number | undefined> | number | undefined;
  markApplied(streamId: string, version: number): Promise<void> | void;
}

export class InMemoryAppliedVersions implements AppliedVersionStore {
  private readonly versions = new Map<string, number>();

  lastApplied(streamId: string): number | undefined {
    return this.versions.get(streamId);
  }

  markApplied(streamId: string, version: number): void {
    this.versions.set(streamId, version);
  }
}
