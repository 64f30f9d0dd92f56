import { effectiveStatus } from '@key-service/events';
import { KeyDetails } from '@keys/projections';
import { toRfc3339Seconds } from '../compat-time';
import { FusionApiKeyDto } from './fusion-api-key.response.dto';

/**
 * Fusion deletes keys; here a delete is a revoke (the history stays). A revoked key is therefore
 * "deleted" for a Fusion client: absent from the list, 404 on get and on a second delete.
 */
export function isDeletedForFusion(view: KeyDetails): boolean {
  return view.status === 'REVOKED';
}

export function toFusionApiKey(view: KeyDetails, now: Date = new Date()): FusionApiKeyDto {
  return {
    name: view.name,
    id: view.keyId,
    createdAt: toRfc3339Seconds(view.createdAt),
    roles: [...view.roles],
    // Fusion has one switch for "this key does not work"; an expired key (set through /v1) is one too.
    disabled: effectiveStatus(view.status, view.expiresAt, now) !== 'ACTIVE',
  };
}
