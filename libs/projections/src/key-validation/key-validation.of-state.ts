import { ApiKeyState } from '@keys/domain';
import { KeyValidationView, viewAccessOf } from './key-validation.view';

/**
 * The validation view of a key, from the aggregate's state after its stream's first `version`
 * events: what a command writes to Redis and PostgreSQL ahead of the projector. It equals what
 * keyValidationProjection folds from the same events (a unit test holds the two together), so a
 * command never needs a stored view nor its key's whole stream, and no snapshot feeds it.
 */
export function validationViewOf(state: ApiKeyState, version: number): KeyValidationView {
  return {
    keyId: state.keyId,
    tenant: state.tenant,
    name: state.name,
    status: state.status,
    roles: state.roles,
    expiresAt: state.expiresAt,
    rateLimit: state.rateLimit,
    quota: state.quota,
    quotaSetAt: state.quotaSetAt,
    // Absent until usage counts against a limit, as in the fold: stored views stay byte-identical.
    ...(state.limitUsage ? { limitUsage: state.limitUsage } : {}),
    hash: state.hash,
    graceSecrets: state.graceSecrets,
    version,
    ...viewAccessOf(state.allowedIps, state.permissions),
  };
}
