import { Logger } from '@nestjs/common';
import { keyStreamId, RecordedKeyEvent } from '@keys/domain';
import { PositionFeedRunner } from '@keys/projections';
import { RedisInvalidationBus } from '@keys/verification';
import { ReadModelSync } from '../keys/read-model-sync.port';

/**
 * With in-process projections a command returns only once its events are projected, so the
 * caller reads its own write and a revoke is effective before the response leaves. When the
 * validation model is in a shared Redis, every instance's cache is invalidated as well.
 */
export class InProcessReadModelSync implements ReadModelSync {
  private readonly logger = new Logger(InProcessReadModelSync.name);

  constructor(
    private readonly feed: PositionFeedRunner,
    private readonly bus: RedisInvalidationBus | null,
  ) {}

  async afterAppend(events: readonly RecordedKeyEvent[]): Promise<void> {
    if (events.length === 0) return;
    const last = events[events.length - 1];
    if (!(await this.feed.waitFor(last.position))) this.logger.warn(`Projections have not reached position ${last.position} yet; reads may lag`);
    if (this.bus && events.some((e) => e.type !== 'KeyUsed')) await this.bus.publish(keyStreamId(last.tenant, last.keyId));
  }

  /** The in-process projections that `afterAppend` waited for include the query model. */
  async readYourWrites(): Promise<void> {}
}
