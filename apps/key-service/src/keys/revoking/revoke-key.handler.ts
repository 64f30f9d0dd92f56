import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { viewAfter } from '../key-change.result';
import { requireVisibleKey } from '../key-visibility';
import { KeyAddressResolver } from '../key-address.resolver';
import { KeyRepository } from '../key.repository';
import { RevokeKeyCommand } from './revoke-key.command';

@CommandHandler(RevokeKeyCommand)
export class RevokeKeyHandler implements ICommandHandler<RevokeKeyCommand, KeyDetailsView> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly addresses: KeyAddressResolver,
  ) {}

  async execute({ key, reason, context }: RevokeKeyCommand): Promise<KeyDetailsView> {
    const address = await this.addresses.resolve(key, context.principal);
    const { loaded, recorded } = await this.keys.execute(
      address,
      (current) => {
        requireVisibleKey(current, address.keyId, context.principal);
        return current.key.revoke(reason);
      },
      context,
    );
    return viewAfter(loaded, recorded);
  }
}
