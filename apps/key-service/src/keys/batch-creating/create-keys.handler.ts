import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDomainError } from '@keys/domain';
import { keyStreamId } from '@key-service/events';
import { generateSecret, KeyHasher } from '@key-service/verifier';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { KEY_HASHER } from '../../config/secrets.tokens';
import { KeyVault } from '../vault/key-vault.service';
import { describeError } from '../../errors/error-body';
import { CreateKeyRequestDto } from '../creating/create-key.request.dto';
import { createKeysInOneAppend, PlannedKey } from '../key-batch.writer';
import { keyCreatedFor } from '../key-creation.plan';
import { KeyChangeSettler } from '../key-change.settler';
import { KeyRepository } from '../key.repository';
import { validateKeySpec } from '../key-spec.validator';
import { CreateKeysCommand, CreateKeysItemResult } from './create-keys.command';

/**
 * Bulk create, per item: each item is checked and answered as `POST /v1/keys` would answer it
 * alone, and the valid ones are appended together in one round trip to the event store.
 */
@CommandHandler(CreateKeysCommand)
export class CreateKeysHandler implements ICommandHandler<CreateKeysCommand, CreateKeysItemResult[]> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly changes: KeyChangeSettler,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vault: KeyVault,
  ) {}

  async execute({ items, context }: CreateKeysCommand): Promise<CreateKeysItemResult[]> {
    const now = new Date();
    const results: CreateKeysItemResult[] = [];
    const planned: Array<PlannedKey & { plaintext: string }> = [];
    const streams = new Set<string>();
    for (const [index, item] of items.entries()) {
      try {
        const input = await validateKeySpec(CreateKeyRequestDto, item);
        const secret = generateSecret(input.prefix ?? this.config.keyPrefix);
        const { address, created } = keyCreatedFor(
          input,
          context.principal,
          () => ({ hash: this.hasher.hash(secret.plaintext), hashAlgorithm: 'hmac-sha256', prefix: secret.prefix, start: secret.start }),
          now,
        );
        // A repeat within the batch fails as a create of an existing key would.
        const streamId = keyStreamId(address.tenant, address.keyId);
        if (streams.has(streamId)) throw new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${address.keyId}' already exists`);
        // A recoverable item without a KEK fails alone (503), as a single create would.
        const sealed = created.data.recoverable ? this.vault.seal(secret.plaintext, streamId) : undefined;
        streams.add(streamId);
        planned.push({ index, address, created, plaintext: secret.plaintext, sealed });
      } catch (error) {
        results[index] = { error: describeError(error) };
      }
    }
    // Every secret was generated above: no instance can have cached any of them (SyncOptions).
    const outcomes = await createKeysInOneAppend(this.keys, this.changes, planned, context, now, { freshSecret: true });
    for (const [i, outcome] of outcomes.entries()) {
      const { index, plaintext } = planned[i];
      results[index] = 'error' in outcome ? outcome : { view: outcome.view, plaintext };
    }
    return results;
  }
}
