import { Logger } from '@nestjs/common';
import { RecordedKeyEvent } from '@key-service/events';
import { PositionFeedRunner } from '@keys/projections';
import { AppendedChange, ReadModelSync } from './read-model-sync.port';

/**
 * With in-process projections a command returns only once its events are projected (the query
 * model included), so the caller reads its own write and a revoke is effective before the
 * response leaves (the embedded topology: one process, no cache in front of its in-memory
 * validation model).
 */
export class InProcessReadModelSync implements ReadModelSync {
  private readonly logger = new Logger(InProcessReadModelSync.name);

  constructor(private readonly feed: PositionFeedRunner) {}

  /** The in-process projections write every model from the feed: nothing rides in the append. */
  rowsWithAppend(): undefined {
    return undefined;
  }

  async afterAppend(events: readonly RecordedKeyEvent[]): Promise<void> {
    if (events.length === 0) return;
    const last = events[events.length - 1];
    if (!(await this.feed.waitFor(last.position))) this.logger.warn(`Projections have not reached position ${last.position} yet; reads may lag`);
  }

  /** The feed applies in position order: waiting for the last event waits for every one before it. */
  async afterAppendMany(changes: readonly AppendedChange[]): Promise<void> {
    const events = changes.flatMap((c) => c.appended);
    if (events.length === 0) return;
    const last = events.reduce((a, b) => (b.position > a.position ? b : a));
    await this.afterAppend([last]);
  }
}
