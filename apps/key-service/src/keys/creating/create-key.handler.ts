import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDomainError } from '@keys/domain';
import { WrongExpectedVersionError } from '@keys/event-store';
import { generateSecret, KeyHasher } from '@key-service/verifier';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { KEY_HASHER } from '../../config/secrets.tokens';
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
    const change = await this.keys.create({ tenant, keyId }, [created], context, now).catch((error: unknown) => {
      // Only this tenant's keys can collide: another tenant's key of the same id is another stream.
      if (error instanceof WrongExpectedVersionError) throw new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${keyId}' already exists`);
      throw error;
    });
    return { view: await this.changes.settle(change), plaintext: secret.plaintext };
  }
}
