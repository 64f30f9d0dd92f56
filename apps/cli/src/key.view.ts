import type { KeyListDto, KeyRecordDto } from '../../key-service/src/keys/key-record.dto';
import { formatFields, formatTable, show } from './table.formatter';

// Type-only imports: the CLI reads the shapes the service declares, without loading the service.
export type { KeyListDto, KeyRecordDto };

export function keyFields(key: KeyRecordDto): string {
  return formatFields([
    ['id', key.id],
    ['tenant', key.tenant],
    ['name', key.name],
    ['description', show(key.description)],
    ['status', key.status],
    ['start', key.start],
    ['roles', show(key.roles)],
    ['owner', show(key.owner)],
    ['environment', show(key.environment)],
    ['annotations', Object.entries(key.annotations).map(([k, v]) => `${k}=${v}`).join(', ') || '-'],
    ['expires', show(key.expiresAt)],
    ['rate limit', key.rateLimit ? `${key.rateLimit.limit} per ${key.rateLimit.durationMs} ms` : '-'],
    ['quota', key.quota ? `${key.quota.remaining} left${key.quota.refill ? `, refilled ${key.quota.refill} to ${show(key.quota.refillAmount)}` : ''}` : '-'],
    ['usage', String(key.usageCount)],
    ['last used', show(key.lastUsedAt)],
    ['revoked', key.revokedAt ? `${key.revokedAt}${key.revokeReason ? ` (${key.revokeReason})` : ''}` : '-'],
    ['created', key.createdAt],
    ['updated', key.updatedAt],
    ['version', String(key.version)],
  ]);
}

export function keyTable(keys: readonly KeyRecordDto[]): string {
  if (keys.length === 0) return 'No keys.';
  return formatTable(
    ['ID', 'TENANT', 'NAME', 'STATUS', 'START', 'ROLES', 'EXPIRES', 'LAST USED', 'USAGE'],
    keys.map((k) => [k.id, k.tenant, k.name, k.status, k.start, show(k.roles), show(k.expiresAt), show(k.lastUsedAt), String(k.usageCount)]),
  );
}
