import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDomainError } from '@keys/domain';
import { keyStreamId } from '@key-service/events';
import { KeyAddressResolver } from '../key-address.resolver';
import { KeyChangeSettler } from '../key-change.settler';
import { requireVisibleKey } from '../key-visibility';
import { KeyRepository } from '../key.repository';
import { KeyVault } from '../vault/key-vault.service';
import { RevealedKey, RevealKeyCommand } from './reveal-key.command';

/**
 * The aggregate decides (live and recoverable, else 409 / 404); the KeyRevealed is appended in one
 * transaction with the read and the opening of the sealed secret, so the log records a reveal
 * exactly when a plaintext was obtained, before it is sent: a revoke that commits first leaves
 * nothing to read (the append fails on its version and the retry is refused as revoked), and a
 * secret that does not open (no such KEK) rolls the event back.
 */
@CommandHandler(RevealKeyCommand)
export class RevealKeyHandler implements ICommandHandler<RevealKeyCommand, RevealedKey> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly addresses: KeyAddressResolver,
    private readonly changes: KeyChangeSettler,
    private readonly vault: KeyVault,
  ) {}

  async execute({ key, requestId, context }: RevealKeyCommand): Promise<RevealedKey> {
    const address = await this.addresses.resolve(key, context.principal);
    const streamId = keyStreamId(address.tenant, address.keyId);
    let plaintext: string | null = null;
    const change = await this.keys.execute(
      address,
      (current) => {
        requireVisibleKey(current, address.keyId, context.principal);
        return current.key.reveal(requestId);
      },
      context,
      {
        vault: {
          within: async (tx) => {
            const sealed = await this.vault.store.read(tx, streamId);
            // The log says recoverable but the vault has no row: never expected; refuse, record nothing.
            if (sealed === null) throw new KeyDomainError('KEY_NOT_RECOVERABLE', `Key '${address.keyId}' has no sealed secret in the vault`);
            plaintext = this.vault.open(sealed, streamId);
          },
        },
      },
    );
    if (plaintext === null) throw new Error('The reveal was recorded without a plaintext');
    return { view: await this.changes.settle(change), plaintext };
  }
}
