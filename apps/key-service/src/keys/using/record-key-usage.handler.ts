import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { parseKeyStreamId, SYSTEM_ACTOR } from '@key-service/events';
import { KeyChangeSettler } from '../key-change.settler';
import { KeyRepository } from '../key.repository';
import { RecordKeyUsageCommand } from './record-key-usage.command';

/** Records coalesced verifications as one KeyUsed event. The system is the actor: no request caused it alone. */
@CommandHandler(RecordKeyUsageCommand)
export class RecordKeyUsageHandler implements ICommandHandler<RecordKeyUsageCommand, void> {
  private readonly logger = new Logger(RecordKeyUsageHandler.name);

  constructor(
    private readonly keys: KeyRepository,
    private readonly changes: KeyChangeSettler,
  ) {}

  async execute({ usage }: RecordKeyUsageCommand): Promise<void> {
    const address = parseKeyStreamId(usage.streamId);
    if (!address) {
      // A guard of a version before tenant-scoped ids queued a bare id: it cannot say whose key it
      // counted, and guessing could charge another tenant's key. Only counts in flight during an
      // upgrade are lost.
      this.logger.warn(`Dropped ${usage.count} uses queued for '${usage.streamId}', which names no tenant`);
      return;
    }
    const change = await this.keys.execute(address, ({ key }) => key.recordUsage(usage.count, usage.firstUsedAt, usage.lastUsedAt, usage.outcomes), {
      principal: { actor: SYSTEM_ACTOR, tenant: null, roles: [], isRoot: false },
      correlationId: `usage-${usage.streamId}-${usage.lastUsedAt ?? usage.outcomes[usage.outcomes.length - 1]?.minute}`,
    });
    await this.changes.settle(change);
  }
}
