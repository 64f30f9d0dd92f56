import { KeyRecord } from '../api/api.types';
import { rateLimitedWithin } from '../charts/buckets';
import { Sparkline } from '../charts/sparkline.chart';
import { useVerifications } from '../charts/use-verifications';
import { ReasonAction } from '../key/reason-action.dialog';
import { keyRoute } from '../routing/hash-route';
import { formatInstant } from '../ui/format';
import { KeyBadges } from './key-badges';

interface Props {
  readonly record: KeyRecord;
  readonly showTenant: boolean;
  readonly onAction?: (action: ReasonAction | 'rotate') => void;
}

/** One key in the table, with its last 36 hours of verifications. */
export function KeyRow({ record, showTenant, onAction }: Props) {
  const { state } = useVerifications(record, 'hour');
  const data = state.kind === 'loaded' ? state.data : null;
  const live = record.status !== 'REVOKED';
  return (
    <tr data-key-id={record.id}>
      <td><a href={keyRoute(record)}>{record.name}</a></td>
      <td><code>{record.id}</code></td>
      {showTenant && <td>{record.tenant}</td>}
      <td><code>{record.start}</code></td>
      <td><KeyBadges record={record} rateLimitedLastHour={data !== null && rateLimitedWithin(data, 3_600_000)} /></td>
      <td>{record.roles.join(', ')}</td>
      <td>{record.owner ?? '—'}</td>
      <td>{record.environment ?? '—'}</td>
      <td><time dateTime={record.lastUsedAt ?? undefined}>{formatInstant(record.lastUsedAt)}</time></td>
      <td><time dateTime={record.expiresAt ?? undefined}>{formatInstant(record.expiresAt)}</time></td>
      <td>{state.kind === 'loading' ? '' : <Sparkline data={data} />}</td>
      {onAction && (
        <td className="row-actions">
          {live && <a href={`${keyRoute(record)}`}>Edit</a>}
          {live && record.status === 'DISABLED' && <button type="button" onClick={() => onAction('enable')}>Enable</button>}
          {live && record.status !== 'DISABLED' && <button type="button" onClick={() => onAction('disable')}>Disable</button>}
          {live && <button type="button" onClick={() => onAction('rotate')}>Rotate</button>}
          {live && <button type="button" className="danger" onClick={() => onAction('revoke')}>Revoke</button>}
        </td>
      )}
    </tr>
  );
}
