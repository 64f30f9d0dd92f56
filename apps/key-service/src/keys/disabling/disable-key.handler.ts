import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { viewAfter } from '../key-change.result';
import { requireVisibleKey } from '../key-visibility';
import { KeyRepository } from '../key.repository';
import { DisableKeyCommand } from './disable-key.command';

@CommandHandler(DisableKeyCommand)
export class DisableKeyHandler implements ICommandHandler<DisableKeyCommand, KeyDetailsView> {
  constructor(private readonly keys: KeyRepository) {}

  async execute({ keyId, reason, context }: DisableKeyCommand): Promise<KeyDetailsView> {
    const { loaded, recorded } = await this.keys.execute(
      keyId,
      (current) => ({ tenant: requireVisibleKey(current, keyId, context.principal), events: current.key.disable(reason) }),
      context,
    );
    return viewAfter(loaded, recorded);
  }
}
