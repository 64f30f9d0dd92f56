import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { generateSecret, KeyHasher } from '@key-service/verifier';
import { SealedSecret } from '@keys/secrets';
import { keyStreamId } from '@key-service/events';
import { KeyVault } from '../vault/key-vault.service';
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
    private readonly vault: KeyVault,
  ) {}

  async execute({ key, gracePeriodSeconds, context, recoverable }: RotateKeyCommand): Promise<RotatedKey> {
    let plaintext = '';
    let sealed: SealedSecret | null = null;
    const address = await this.addresses.resolve(key, context.principal);
    const change = await this.keys.execute(
      address,
      (current) => {
        requireVisibleKey(current, address.keyId, context.principal);
        const secret = generateSecret(current.key.state.prefix);
        plaintext = secret.plaintext;
        const events = current.key.rotate(
          { hash: this.hasher.hash(secret.plaintext), prefix: secret.prefix, start: secret.start, gracePeriodSeconds, recoverable },
          new Date(),
        );
        // Sealed once the aggregate accepted the rotation (503 without a KEK, nothing appended).
        sealed = recoverable ? this.vault.seal(secret.plaintext, keyStreamId(address.tenant, address.keyId)) : null;
        return events;
      },
      context,
      { vault: { sealed: () => sealed } },
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
