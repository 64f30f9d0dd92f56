import { Logger } from '@nestjs/common';
import { RecordedKeyEvent } from '@key-service/events';
import { PositionFeedRunner } from '@keys/projections';
import { ReadModelSync } from './read-model-sync.port';

/**
 * With in-process projections a command returns only once its events are projected (the query
 * model included), so the caller reads its own write and a revoke is effective before the
 * response leaves (the embedded topology: one process, no cache in front of its in-memory
 * validation model).
 */
export class InProcessReadModelSync implements ReadModelSync {
  private readonly logger = new Logger(InProcessReadModelSync.name);

  constructor(private readonly feed: PositionFeedRunner) {}

  async afterAppend(events: readonly RecordedKeyEvent[]): Promise<void> {
    if (events.length === 0) return;
    const last = events[events.length - 1];
    if (!(await this.feed.waitFor(last.position))) this.logger.warn(`Projections have not reached position ${last.position} yet; reads may lag`);
  }
}
