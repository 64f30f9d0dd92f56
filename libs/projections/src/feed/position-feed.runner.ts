import { RecordedKeyEvent, upcastKeyEvent } from '@key-service/events';
import { EventStore } from '@keys/event-store';
import { ProjectionSink } from './projection-sink';

export interface PositionFeedOptions {
  readonly batchSize?: number;
  /** How often to look for events appended by other processes when nobody pokes the feed. */
  readonly pollIntervalMs?: number;
  readonly onError?: (sink: string, error: unknown) => void;
}

/**
 * Feeds sinks from the event store's position feed, in-process: the embedded mode's projection
 * transport. Each sink resumes from its own checkpoint. Appenders in this process call `poke()`
 * and can wait for their event with `waitFor(position)`.
 */
export class PositionFeedRunner {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly applied = new Set<number>();
  private readonly appliedOrder: number[] = [];
  private readonly waiters = new Map<number, Array<() => void>>();
  private lastError: unknown = null;

  constructor(
    private readonly store: EventStore,
    private readonly sinks: readonly ProjectionSink[],
    private readonly options: PositionFeedOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.poke(), this.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs one catch-up pass now, or right after the one in progress. */
  poke(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.catchUp();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Resolves once the event at `position` is applied to every sink, or after `timeoutMs`. */
  async waitFor(position: number, timeoutMs = 5000): Promise<boolean> {
    if (this.applied.has(position)) return true;
    const reached = new Promise<boolean>((resolve) => {
      const list = this.waiters.get(position) ?? [];
      list.push(() => resolve(true));
      this.waiters.set(position, list);
    });
    void this.poke();
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timeout = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([reached, timedOut]);
    clearTimeout(timeout);
    return result;
  }

  get error(): unknown {
    return this.lastError;
  }

  /** Applies everything visible to each sink from its checkpoint; runs until the feed is drained. */
  async catchUp(): Promise<void> {
    const checkpoints = await Promise.all(this.sinks.map((s) => s.checkpoint()));
    // Sinks that share a checkpoint read the feed once.
    const groups = new Map<number, ProjectionSink[]>();
    this.sinks.forEach((sink, i) => groups.set(checkpoints[i], [...(groups.get(checkpoints[i]) ?? []), sink]));
    for (const [from, sinks] of groups) {
      let cursor = from;
      for (;;) {
        const batch = await this.store.readAll({ after: cursor, limit: this.batchSize });
        if (batch.length === 0) break;
        const events: RecordedKeyEvent[] = batch.map((e) => upcastKeyEvent(e));
        cursor = batch[batch.length - 1].position;
        try {
          for (const sink of sinks) await sink.handle(events, cursor);
          this.lastError = null;
        } catch (error) {
          this.lastError = error;
          this.options.onError?.(sinks.map((s) => s.name).join(','), error);
          return;
        }
        this.markApplied(events);
      }
    }
    if (groups.size > 1) {
      // Groups caught up separately; the next pass reads them as one.
      this.again = true;
    }
  }

  private markApplied(events: readonly RecordedKeyEvent[]): void {
    for (const e of events) {
      this.applied.add(e.position);
      this.appliedOrder.push(e.position);
      const list = this.waiters.get(e.position);
      if (list) {
        this.waiters.delete(e.position);
        for (const resolve of list) resolve();
      }
    }
    // Keep memory bounded: waiters only ask about positions appended moments ago.
    while (this.appliedOrder.length > 50_000) this.applied.delete(this.appliedOrder.shift() as number);
  }
}
