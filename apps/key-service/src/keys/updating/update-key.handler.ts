import { PreconditionFailedException } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WrongExpectedVersionError } from '@keys/event-store';
import { KeyDetails } from '@keys/projections';
import { KeyChangeSettler } from '../key-change.settler';
import { requireVisibleKey } from '../key-visibility';
import { KeyAddressResolver } from '../key-address.resolver';
import { KeyRepository } from '../key.repository';
import { UpdateKeyCommand } from './update-key.command';

@CommandHandler(UpdateKeyCommand)
export class UpdateKeyHandler implements ICommandHandler<UpdateKeyCommand, KeyDetails> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly addresses: KeyAddressResolver,
    private readonly changes: KeyChangeSettler,
  ) {}

  async execute({ key, changes, expectedVersion, context }: UpdateKeyCommand): Promise<KeyDetails> {
    const address = await this.addresses.resolve(key, context.principal);
    const { keyId } = address;
    let change;
    try {
      change = await this.keys.execute(
        address,
        (current) => {
          requireVisibleKey(current, keyId, context.principal);
          return current.key.update(changes, new Date());
        },
        context,
        { expectedVersion },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && expectedVersion !== undefined)
        throw new PreconditionFailedException(
          `Key '${keyId}' has changed: If-Match names version ${expectedVersion}${error.actualVersion !== null ? `, the key is at version ${error.actualVersion}` : ''}`,
        );
      throw error;
    }
    return this.changes.settle(change);
  }
}
