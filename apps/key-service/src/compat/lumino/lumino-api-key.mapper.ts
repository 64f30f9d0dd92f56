import { effectiveStatus } from '@key-service/events';
import { KeyDetails } from '@keys/projections';
import { toRfc3339Seconds } from '../compat-time';
import { isUuid } from '../uuid';
import { LuminoApiKeyResponseDto, LuminoStatus } from './lumino-api-key.response.dto';

/**
 * Lumino knows ACTIVE, EXPIRED and REVOKED. A DISABLED key (suspended through /v1) is shown as
 * REVOKED: the one Lumino state that means "does not authenticate"; an enum value Lumino's
 * clients do not know could break their generated models.
 */
export function toLuminoStatus(view: KeyDetails, now: Date): LuminoStatus {
  const status = effectiveStatus(view.status, view.expiresAt, now);
  return status === 'DISABLED' ? 'REVOKED' : status;
}

/** Whether Lumino shows the key at all: its schema says ids are UUIDs (see LuminoKeyIdPipe). */
export function isVisibleToLumino(view: KeyDetails): boolean {
  return isUuid(view.keyId);
}

/**
 * Lumino declares `last_used_at` and `expires_at` as (non-nullable) strings: a key never used, or
 * without expiry (possible only for keys created elsewhere), leaves the field out instead of
 * answering null, which a client validating against Lumino's schema refuses.
 */
export function toLuminoApiKey(view: KeyDetails, now: Date = new Date()): LuminoApiKeyResponseDto {
  return {
    id: view.keyId,
    created_at: toRfc3339Seconds(view.createdAt),
    ...(view.lastUsedAt === null ? {} : { last_used_at: toRfc3339Seconds(view.lastUsedAt) }),
    ...(view.expiresAt === null ? {} : { expires_at: toRfc3339Seconds(view.expiresAt) }),
    status: toLuminoStatus(view, now),
    name: view.name,
    prefix: view.prefix,
  };
}
