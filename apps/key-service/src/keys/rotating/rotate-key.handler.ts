import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { generateSecret, KeyHasher } from '@key-service/verifier';
import { KEY_HASHER } from '../../config/secrets.tokens';
import { KeyChangeSettler } from '../key-change.settler';
import { requireVisibleKey } from '../key-visibility';
import { KeyAddressResolver } from '../key-address.resolver';
import { KeyRepository } from '../key.repository';
import { RotateKeyCommand, RotatedKey } from './rotate-key.command';

@CommandHandler(RotateKeyCommand)
export class RotateKeyHandler implements ICommandHandler<RotateKeyCommand, RotatedKey> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly addresses: KeyAddressResolver,
    private readonly changes: KeyChangeSettler,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
  ) {}

  async execute({ key, gracePeriodSeconds, context }: RotateKeyCommand): Promise<RotatedKey> {
    let plaintext = '';
    const address = await this.addresses.resolve(key, context.principal);
    const change = await this.keys.execute(
      address,
      (current) => {
        requireVisibleKey(current, address.keyId, context.principal);
        const secret = generateSecret(current.key.state.prefix);
        plaintext = secret.plaintext;
        const events = current.key.rotate(
          { hash: this.hasher.hash(secret.plaintext), prefix: secret.prefix, start: secret.start, gracePeriodSeconds },
          new Date(),
        );
        return events;
      },
      context,
    );
    const view = await this.changes.settle(change);
    const rotated = change.recorded.find((e) => e.type === 'KeyRotated');
    return {
      view,
      plaintext,
      previousValidUntil: rotated?.type === 'KeyRotated' ? rotated.data.previousValidUntil : null,
    };
  }
}
