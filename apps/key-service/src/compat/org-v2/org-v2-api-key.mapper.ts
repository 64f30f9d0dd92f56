import { KeyDetails } from '@keys/projections';
import { toRfc3339Seconds, toRfc3339SecondsOrNull } from '../compat-time';
import { orgIdOfTenant } from './org-id';
import { OrgV2ApiKeyResponseDto } from './org-v2-api-key.response.dto';

export function toOrgV2ApiKey(view: KeyDetails): OrgV2ApiKeyResponseDto {
  return {
    id: view.keyId,
    org_id: orgIdOfTenant(view.tenant),
    name: view.name,
    // Our keys have no separate public half; the key id is what identifies a key without revealing it.
    public_key: view.keyId,
    private_key_display: view.start,
    created_at: toRfc3339Seconds(view.createdAt),
    description: view.description,
    is_revoked: view.status === 'REVOKED',
    revoked_at: toRfc3339SecondsOrNull(view.revokedAt),
    last_used_at: toRfc3339SecondsOrNull(view.lastUsedAt),
    environment: view.environment,
  };
}
