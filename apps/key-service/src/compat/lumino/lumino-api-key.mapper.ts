import { effectiveStatus } from '@keys/domain';
import { KeyDetailsView } from '@keys/projections';
import { toRfc3339Seconds, toRfc3339SecondsOrNull } from '../compat-time';
import { LuminoApiKeyResponseDto, LuminoStatus } from './lumino-api-key.response.dto';

/**
 * Lumino knows ACTIVE, EXPIRED and REVOKED. A DISABLED key (suspended through /v1) is shown as
 * REVOKED: the one Lumino state that means "does not authenticate"; an enum value Lumino's
 * clients do not know could break their generated models.
 */
export function toLuminoStatus(view: KeyDetailsView, now: Date): LuminoStatus {
  const status = effectiveStatus(view.status, view.expiresAt, now);
  return status === 'DISABLED' ? 'REVOKED' : status;
}

export function toLuminoApiKey(view: KeyDetailsView, now: Date = new Date()): LuminoApiKeyResponseDto {
  return {
    id: view.keyId,
    created_at: toRfc3339Seconds(view.createdAt),
    last_used_at: toRfc3339SecondsOrNull(view.lastUsedAt),
    expires_at: toRfc3339SecondsOrNull(view.expiresAt),
    status: toLuminoStatus(view, now),
    name: view.name,
    prefix: view.prefix,
  };
}
