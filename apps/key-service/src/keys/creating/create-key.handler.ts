import { randomUUID } from 'node:crypto';
import { ForbiddenException, Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiKey, KeyDomainError } from '@keys/domain';
import { WrongExpectedVersionError } from '@keys/event-store';
import { generateSecret, KeyHasher } from '@keys/secrets';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { KEY_HASHER } from '../../config/secrets.tokens';
import { KeyRepository, nothingLoaded } from '../key.repository';
import { viewFromEvents } from '../key-view';
import { CreateKeyCommand, CreatedKey, toQuota } from './create-key.command';

export const DEFAULT_TENANT = 'default';

@CommandHandler(CreateKeyCommand)
export class CreateKeyHandler implements ICommandHandler<CreateKeyCommand, CreatedKey> {
  constructor(
    private readonly keys: KeyRepository,
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
    try {
      const recorded = await this.keys.append({ tenant, keyId }, nothingLoaded(), events, context, now);
      return { view: viewFromEvents(recorded)!, plaintext: secret.plaintext };
    } catch (error) {
      // Only this tenant's keys can collide: another tenant's key of the same id is another stream.
      if (error instanceof WrongExpectedVersionError) throw new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${keyId}' already exists`);
      throw error;
    }
  }
}
