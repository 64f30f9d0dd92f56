import { Logger } from '@nestjs/common';
import { RecordedKeyEvent } from '@keys/domain';
import { PositionFeedRunner } from '@keys/projections';
import { ReadModelSync } from '../keys/read-model-sync.port';

/**
 * With in-process projections a command returns only once its events are projected, so the
 * caller reads its own write and a revoke is effective before the response leaves.
 */
export class InProcessReadModelSync implements ReadModelSync {
  private readonly logger = new Logger(InProcessReadModelSync.name);

  constructor(private readonly feed: PositionFeedRunner) {}

  async afterAppend(events: readonly RecordedKeyEvent[]): Promise<void> {
    if (events.length === 0) return;
    const last = events[events.length - 1].position;
    if (!(await this.feed.waitFor(last)))
      this.logger.warn(`Projections have not reached position ${last} yet; reads may lag`);
  }
}
