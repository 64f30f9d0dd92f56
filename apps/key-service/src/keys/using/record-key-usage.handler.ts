import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SYSTEM_ACTOR } from '@keys/domain';
import { KeyRepository } from '../key.repository';
import { RecordKeyUsageCommand } from './record-key-usage.command';

/** Records coalesced usage as one KeyUsed event. The system is the actor: no request caused it alone. */
@CommandHandler(RecordKeyUsageCommand)
export class RecordKeyUsageHandler implements ICommandHandler<RecordKeyUsageCommand, void> {
  constructor(private readonly keys: KeyRepository) {}

  async execute({ usage }: RecordKeyUsageCommand): Promise<void> {
    await this.keys.execute(
      usage.keyId,
      ({ key }) => ({ tenant: key.state.tenant, events: key.recordUsage(usage.count, usage.firstUsedAt, usage.lastUsedAt) }),
      {
        principal: { actor: SYSTEM_ACTOR, tenant: null, roles: [], isRoot: false },
        correlationId: `usage-${usage.keyId}-${usage.lastUsedAt}`,
      },
    );
  }
}
