import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { viewAfter } from '../key-change.result';
import { requireVisibleKey } from '../key-visibility';
import { KeyRepository } from '../key.repository';
import { RevokeKeyCommand } from './revoke-key.command';

@CommandHandler(RevokeKeyCommand)
export class RevokeKeyHandler implements ICommandHandler<RevokeKeyCommand, KeyDetailsView> {
  constructor(private readonly keys: KeyRepository) {}

  async execute({ keyId, reason, context }: RevokeKeyCommand): Promise<KeyDetailsView> {
    const { loaded, recorded } = await this.keys.execute(
      keyId,
      (current) => ({ tenant: requireVisibleKey(current, keyId, context.principal), events: current.key.revoke(reason) }),
      context,
    );
    return viewAfter(loaded, recorded);
  }
}
