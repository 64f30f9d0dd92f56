import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { viewAfter } from '../key-change.result';
import { requireVisibleKey } from '../key-visibility';
import { KeyRepository } from '../key.repository';
import { EnableKeyCommand } from './enable-key.command';

@CommandHandler(EnableKeyCommand)
export class EnableKeyHandler implements ICommandHandler<EnableKeyCommand, KeyDetailsView> {
  constructor(private readonly keys: KeyRepository) {}

  async execute({ keyId, reason, context }: EnableKeyCommand): Promise<KeyDetailsView> {
    const { loaded, recorded } = await this.keys.execute(
      keyId,
      (current) => ({ tenant: requireVisibleKey(current, keyId, context.principal), events: current.key.enable(reason) }),
      context,
    );
    return viewAfter(loaded, recorded);
  }
}
