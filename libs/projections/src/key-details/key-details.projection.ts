import { RecordedKeyEvent } from '@key-service/events';
import { KeyProjection } from '../key-projection';
import { KeyDetailsView } from './key-details.view';

function evolve(view: KeyDetailsView | null, event: RecordedKeyEvent): KeyDetailsView | null {
  const at = event.occurredAt;
  const version = event.version;
  if (event.type === 'KeyCreated') {
    const d = event.data;
    return {
      keyId: d.keyId,
      tenant: d.tenant,
      name: d.name,
      description: d.description,
      prefix: d.prefix,
      start: d.start,
      roles: d.roles,
      owner: d.owner,
      environment: d.environment,
      annotations: d.annotations,
      expiresAt: d.expiresAt,
      rateLimit: d.rateLimit,
      quota: d.quota,
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      lastUsedAt: null,
      usageCount: 0,
      revokedAt: null,
      revokeReason: null,
      version,
      allowedIps: d.allowedIps,
      permissions: d.permissions,
      createdPosition: event.position,
    };
  }
  if (!view) return null;
  switch (event.type) {
    case 'KeyUpdated':
      return { ...view, ...event.data, updatedAt: at, version };
    case 'KeyUsed': {
      const last = event.data.lastUsedAt;
      // Rejected verifications alone are not usage: usageCount and lastUsedAt count successes.
      if (last === null) return { ...view, version };
      return {
        ...view,
        usageCount: view.usageCount + event.data.count,
        lastUsedAt: view.lastUsedAt && view.lastUsedAt > last ? view.lastUsedAt : last,
        version,
      };
    }
    case 'KeyRevoked':
      return { ...view, status: 'REVOKED', revokedAt: at, revokeReason: event.data.reason, updatedAt: at, version };
    case 'KeyDisabled':
      return { ...view, status: 'DISABLED', updatedAt: at, version };
    case 'KeyEnabled':
      return { ...view, status: 'ACTIVE', updatedAt: at, version };
    case 'KeyRotated':
      return { ...view, prefix: event.data.prefix, start: event.data.start, updatedAt: at, version };
    default:
      return { ...view, version };
  }
}

/** The query read model: everything list, get and lastUsed need, one document per key. */
export const keyDetailsProjection: KeyProjection<KeyDetailsView> = { name: 'key-details', evolve };
