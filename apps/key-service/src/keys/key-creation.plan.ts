import { randomUUID } from 'node:crypto';
import { ForbiddenException } from '@nestjs/common';
import { ApiKey } from '@keys/domain';
import { KeyCreated, KeyCreatedData, KeyStreamAddress } from '@key-service/events';
import { normalizeAllowlist, normalizePermissions } from '@key-service/verifier';
import { Principal } from '../auth/principal';
import { CreateKeyInput, toQuota } from './creating/create-key.command';

/** The tenant of a key created by the root key without naming one. */
export const DEFAULT_TENANT = 'default';

/** How the new key's secret is known: hashed here, or imported by its hash. */
export type KeySecretFields = Pick<KeyCreatedData, 'hash' | 'hashAlgorithm' | 'prefix' | 'start'>;

/**
 * The KeyCreated of a single create, a batch item or an import, decided with one set of rules and
 * messages: the tenant rule, then the aggregate's own (an expiry in the future).
 */
export function keyCreatedFor(
  input: CreateKeyInput,
  principal: Principal,
  secret: (tenant: string, keyId: string) => KeySecretFields,
  now: Date,
): { address: KeyStreamAddress; created: KeyCreated } {
  if (input.tenant !== undefined && !principal.isRoot && input.tenant !== principal.tenant)
    throw new ForbiddenException('Only the root key may create keys in another tenant');
  const tenant = input.tenant ?? principal.tenant ?? DEFAULT_TENANT;
  const keyId = input.id ?? randomUUID();
  const [created] = ApiKey.empty().create(
    {
      keyId,
      tenant,
      name: input.name,
      description: input.description ?? null,
      ...secret(tenant, keyId),
      roles: [...new Set(input.roles ?? [])],
      owner: input.owner ?? null,
      environment: input.environment ?? null,
      expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      annotations: { ...(input.annotations ?? {}) },
      rateLimit: input.rateLimit ? { limit: input.rateLimit.limit, durationMs: input.rateLimit.durationMs } : null,
      quota: toQuota(input.quota),
      allowedIps: input.allowedIps ? normalizeAllowlist(input.allowedIps) : null,
      permissions: normalizePermissions(input.permissions ?? []),
    },
    now,
  );
  return { address: { tenant, keyId }, created };
}
