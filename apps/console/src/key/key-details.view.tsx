import { KeyRecord } from '../api/api.types';
import { KeyBadges } from '../keys/key-badges';
import { formatInstant } from '../ui/format';

function Instant({ value }: { readonly value: string | null }) {
  return <time dateTime={value ?? undefined} title={value ?? undefined}>{formatInstant(value)}</time>;
}

/** A key's record, field by field; the same view serves "now" and "as it was at". */
export function KeyDetails({ record, label }: { readonly record: KeyRecord; readonly label: string }) {
  return (
    <section className="details" aria-label={label}>
      <h3>{label}</h3>
      <dl>
        <dt>Status</dt>
        <dd><KeyBadges record={record} /></dd>
        <dt>Name</dt>
        <dd data-field="name">{record.name}</dd>
        <dt>Description</dt>
        <dd>{record.description ?? '—'}</dd>
        <dt>Id</dt>
        <dd><code>{record.id}</code></dd>
        <dt>Tenant</dt>
        <dd>{record.tenant}</dd>
        <dt>Key</dt>
        <dd><code>{record.start}</code></dd>
        <dt>Roles</dt>
        <dd data-field="roles">{record.roles.length === 0 ? '—' : record.roles.join(', ')}</dd>
        <dt>Permissions</dt>
        <dd data-field="permissions">{(record.permissions ?? []).length === 0 ? '—' : record.permissions.join(', ')}</dd>
        <dt>Allowed IPs</dt>
        <dd data-field="allowedIps">{record.allowedIps ? record.allowedIps.join(', ') : 'any'}</dd>
        <dt>Owner</dt>
        <dd>{record.owner ?? '—'}</dd>
        <dt>Environment</dt>
        <dd>{record.environment ?? '—'}</dd>
        <dt>Annotations</dt>
        <dd>{Object.keys(record.annotations).length === 0 ? '—' : Object.entries(record.annotations).map(([k, v]) => `${k}=${v}`).join(', ')}</dd>
        <dt>Rate limit</dt>
        <dd data-field="rateLimit">{record.rateLimit === null ? 'none' : `${record.rateLimit.limit} per ${record.rateLimit.durationMs / 1000} s`}</dd>
        <dt>Quota</dt>
        <dd data-field="quota">
          {record.quota === null
            ? 'none'
            : `${record.quota.remaining} left${record.quota.refill === null ? '' : `, refilled ${record.quota.refill} to ${record.quota.refillAmount}`}`}
        </dd>
        <dt>Created</dt>
        <dd><Instant value={record.createdAt} /></dd>
        <dt>Updated</dt>
        <dd><Instant value={record.updatedAt} /></dd>
        <dt>Expires</dt>
        <dd><Instant value={record.expiresAt} /></dd>
        <dt>Last used</dt>
        <dd><Instant value={record.lastUsedAt} /></dd>
        <dt>Successful verifications</dt>
        <dd>{record.usageCount}</dd>
        {record.revokedAt !== null && (
          <>
            <dt>Revoked</dt>
            <dd><Instant value={record.revokedAt} />{record.revokeReason ? `: ${record.revokeReason}` : ''}</dd>
          </>
        )}
        <dt>Version</dt>
        <dd data-field="version">{record.version}</dd>
      </dl>
    </section>
  );
}
