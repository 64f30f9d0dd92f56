import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDetails } from '@keys/projections';
import { KeyChangeSettler } from '../key-change.settler';
import { requireVisibleKey } from '../key-visibility';
import { KeyAddressResolver } from '../key-address.resolver';
import { KeyRepository } from '../key.repository';
import { RevokeKeyCommand } from './revoke-key.command';

@CommandHandler(RevokeKeyCommand)
export class RevokeKeyHandler implements ICommandHandler<RevokeKeyCommand, KeyDetails> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly addresses: KeyAddressResolver,
    private readonly changes: KeyChangeSettler,
  ) {}

  async execute({ key, reason, context, leak }: RevokeKeyCommand): Promise<KeyDetails> {
    const address = await this.addresses.resolve(key, context.principal);
    const change = await this.keys.execute(
      address,
      (current) => {
        requireVisibleKey(current, address.keyId, context.principal);
        return current.key.revoke(reason, leak);
      },
      context,
    );
    return this.changes.settle(change);
  }
}
