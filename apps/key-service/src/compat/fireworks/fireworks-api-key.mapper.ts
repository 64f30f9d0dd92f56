import { KeyDetails } from '@keys/projections';
import { toRfc3339Seconds } from '../compat-time';
import { FireworksApiKeyDto } from './fireworks-api-key.response.dto';

export const DEFAULT_DISPLAY_NAME = 'default';
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Fireworks deletes keys; here a delete is a revoke, so a revoked key no longer exists for its clients. */
export function isDeletedForFireworks(view: KeyDetails): boolean {
  return view.status === 'REVOKED';
}

export function toFireworksApiKey(view: KeyDetails): FireworksApiKeyDto {
  const dto: FireworksApiKeyDto = {
    keyId: view.keyId,
    displayName: view.name,
    createTime: toRfc3339Seconds(view.createdAt),
    // We keep only an HMAC of the key, never the plaintext: exactly what `secure: true` promises.
    secure: true,
    prefix: view.prefix,
    annotations: { ...view.annotations },
  };
  // The user_id of the path is the owner; it is the user's email when the caller used one.
  if (view.owner !== null && EMAIL.test(view.owner)) dto.email = view.owner;
  if (view.expiresAt !== null) dto.expireTime = toRfc3339Seconds(view.expiresAt);
  if (view.lastUsedAt !== null) dto.lastUsed = toRfc3339Seconds(view.lastUsedAt);
  return dto;
}
