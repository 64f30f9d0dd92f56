import { ApiKeyState } from '@keys/domain';
import { KeyDetails } from './key-details.view';

/**
 * A key's details from the aggregate's state after its stream's first `version` events: what a
 * command answers. It equals what keyDetailsProjection folds from the same events, but for the
 * list position the query model adds (a unit test holds the two together).
 */
export function detailsOf(state: ApiKeyState, version: number): KeyDetails {
  return {
    keyId: state.keyId,
    tenant: state.tenant,
    name: state.name,
    description: state.description,
    prefix: state.prefix,
    start: state.start,
    roles: state.roles,
    owner: state.owner,
    environment: state.environment,
    annotations: state.annotations,
    expiresAt: state.expiresAt,
    rateLimit: state.rateLimit,
    quota: state.quota,
    status: state.status,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    lastUsedAt: state.lastUsedAt,
    usageCount: state.usageCount,
    revokedAt: state.revokedAt,
    revokeReason: state.revokeReason,
    version,
    allowedIps: state.allowedIps,
    permissions: state.permissions,
  };
}
