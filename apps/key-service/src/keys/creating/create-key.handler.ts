import { randomUUID } from 'node:crypto';
import { ForbiddenException, Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiKey, KeyDomainError } from '@keys/domain';
import { WrongExpectedVersionError } from '@keys/event-store';
import { generateSecret, KeyHasher } from '@keys/secrets';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { KEY_HASHER } from '../../config/secrets.tokens';
import { KeyChangeSettler } from '../key-change.settler';
import { KeyRepository } from '../key.repository';
import { CreateKeyCommand, CreatedKey, toQuota } from './create-key.command';

export const DEFAULT_TENANT = 'default';

@CommandHandler(CreateKeyCommand)
export class CreateKeyHandler implements ICommandHandler<CreateKeyCommand, CreatedKey> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly changes: KeyChangeSettler,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, context }: CreateKeyCommand): Promise<CreatedKey> {
    const { principal } = context;
    if (input.tenant !== undefined && !principal.isRoot && input.tenant !== principal.tenant)
      throw new ForbiddenException('Only the root key may create keys in another tenant');
    const tenant = input.tenant ?? principal.tenant ?? DEFAULT_TENANT;
    const keyId = input.id ?? randomUUID();
    const secret = generateSecret(input.prefix ?? this.config.keyPrefix);
    const now = new Date();
    const events = ApiKey.empty().create(
      {
        keyId,
        tenant,
        name: input.name,
        description: input.description ?? null,
        hash: this.hasher.hash(secret.plaintext),
        hashAlgorithm: 'hmac-sha256',
        prefix: secret.prefix,
        start: secret.start,
        roles: [...new Set(input.roles ?? [])],
        owner: input.owner ?? null,
        environment: input.environment ?? null,
        expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
        annotations: { ...(input.annotations ?? {}) },
        rateLimit: input.rateLimit ? { limit: input.rateLimit.limit, durationMs: input.rateLimit.durationMs } : null,
        quota: toQuota(input.quota),
      },
      now,
    );
    const change = await this.keys.create({ tenant, keyId }, events, context, now).catch((error: unknown) => {
      // Only this tenant's keys can collide: another tenant's key of the same id is another stream.
      if (error instanceof WrongExpectedVersionError) throw new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${keyId}' already exists`);
      throw error;
    });
    return { view: await this.changes.settle(change), plaintext: secret.plaintext };
  }
}
