import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDomainError } from '@keys/domain';
import { keyStreamId } from '@key-service/events';
import { WrongExpectedVersionError } from '@keys/event-store';
import { generateSecret, KeyHasher } from '@key-service/verifier';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { KEY_HASHER } from '../../config/secrets.tokens';
import { KeyVault } from '../vault/key-vault.service';
import { KeyChangeSettler } from '../key-change.settler';
import { keyCreatedFor } from '../key-creation.plan';
import { KeyRepository } from '../key.repository';
import { CreateKeyCommand, CreatedKey } from './create-key.command';

@CommandHandler(CreateKeyCommand)
export class CreateKeyHandler implements ICommandHandler<CreateKeyCommand, CreatedKey> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly changes: KeyChangeSettler,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vault: KeyVault,
  ) {}

  async execute({ input, context }: CreateKeyCommand): Promise<CreatedKey> {
    const secret = generateSecret(input.prefix ?? this.config.keyPrefix);
    const now = new Date();
    // The same decision a batch item or an import gets: one place for the tenant rule and the event.
    const { address, created } = keyCreatedFor(
      input,
      context.principal,
      () => ({ hash: this.hasher.hash(secret.plaintext), hashAlgorithm: 'hmac-sha256', prefix: secret.prefix, start: secret.start }),
      now,
    );
    const { tenant, keyId } = address;
    // Sealed before the append (503 without a KEK, nothing appended), stored in its transaction.
    const sealed = created.data.recoverable ? this.vault.seal(secret.plaintext, keyStreamId(tenant, keyId)) : undefined;
    const change = await this.keys.create({ tenant, keyId }, [created], context, now, sealed).catch((error: unknown) => {
      // Only this tenant's keys can collide: another tenant's key of the same id is another stream.
      if (error instanceof WrongExpectedVersionError) throw new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${keyId}' already exists`);
      throw error;
    });
    // The secret was generated above: no instance can have cached it, so no invalidation (SyncOptions).
    return { view: await this.changes.settle(change, { freshSecret: true }), plaintext: secret.plaintext };
  }
}
