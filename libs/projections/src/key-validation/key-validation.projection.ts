import { countUsage, resetUsage } from '@keys/domain';
import { RecordedKeyEvent } from '@key-service/events';
import { KeyProjection } from '../key-projection';
import { KeyValidationView, viewAccessOf } from './key-validation.view';

function evolve(view: KeyValidationView | null, event: RecordedKeyEvent): KeyValidationView | null {
  const version = event.version;
  if (event.type === 'KeyCreated') {
    const d = event.data;
    return {
      keyId: d.keyId,
      tenant: d.tenant,
      name: d.name,
      status: 'ACTIVE',
      roles: d.roles,
      expiresAt: d.expiresAt,
      rateLimit: d.rateLimit,
      quota: d.quota,
      quotaSetAt: d.quota ? event.occurredAt : null,
      hash: d.hash,
      graceSecrets: [],
      version,
      ...viewAccessOf(d.allowedIps, d.permissions),
    };
  }
  if (!view) return null;
  switch (event.type) {
    case 'KeyUpdated': {
      const d = event.data;
      const { allowedIps: _allowedIps, permissions: _permissions, ...unrestricted } = view;
      const access = viewAccessOf(
        d.allowedIps !== undefined ? d.allowedIps : view.allowedIps,
        d.permissions !== undefined ? d.permissions : view.permissions,
      );
      return {
        ...unrestricted,
        name: d.name ?? view.name,
        roles: d.roles ?? view.roles,
        expiresAt: d.expiresAt !== undefined ? d.expiresAt : view.expiresAt,
        rateLimit: d.rateLimit !== undefined ? d.rateLimit : view.rateLimit,
        quota: d.quota !== undefined ? d.quota : view.quota,
        quotaSetAt: d.quota !== undefined ? (d.quota ? event.occurredAt : null) : view.quotaSetAt,
        limitUsage: resetUsage(
          view.limitUsage,
          d.quota !== undefined,
          d.rateLimit !== undefined && d.rateLimit?.durationMs !== view.rateLimit?.durationMs,
        ),
        version,
        ...access,
      };
    }
    case 'KeyUsed':
      if ((!view.quota && !view.rateLimit) || event.data.lastUsedAt === null) return { ...view, version };
      return { ...view, limitUsage: countUsage(view.limitUsage, view, event.data.count, event.data.lastUsedAt), version };
    case 'KeyRevoked':
      // A revoked key keeps its current hash so verify can answer REVOKED rather than NOT_FOUND; grace secrets end.
      return { ...view, status: 'REVOKED', graceSecrets: [], version };
    case 'KeyDisabled':
      return { ...view, status: 'DISABLED', version };
    case 'KeyEnabled':
      return { ...view, status: 'ACTIVE', version };
    case 'KeyRotated': {
      const until = event.data.previousValidUntil;
      const stillValid = view.graceSecrets.filter((g) => Date.parse(g.validUntil) > Date.parse(event.occurredAt));
      return {
        ...view,
        hash: event.data.hash,
        graceSecrets: until ? [...stillValid, { hash: event.data.previousHash, validUntil: until }] : stillValid,
        version,
      };
    }
    default:
      return { ...view, version };
  }
}

/** The validation read model: key hash → the compact record the verify path needs. */
export const keyValidationProjection: KeyProjection<KeyValidationView> = { name: 'key-validation', evolve };
