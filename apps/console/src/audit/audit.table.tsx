import { AuditEvent } from '../api/api.types';
import { keyRoute } from '../routing/hash-route';
import { formatInstant } from '../ui/format';

interface Props {
  readonly events: readonly AuditEvent[];
  readonly showKey: boolean;
  /** Offered on a key's page: show the key as it was right after this event. */
  readonly onShowAt?: (instant: string) => void;
}

function describeActor(actor: AuditEvent['actor']): string {
  return actor.type === 'key' ? `key ${actor.id}` : actor.id;
}

/** What changed, in one line: the event's data without the envelope. */
function describeData(data: Record<string, unknown>): string {
  const text = JSON.stringify(data);
  return text === '{}' ? '' : text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export function AuditTable({ events, showKey, onShowAt }: Props) {
  if (events.length === 0) return <p className="muted">No events.</p>;
  return (
    <table className="audit">
      <thead>
        <tr>
          <th>When</th>
          {showKey && <th>Key</th>}
          <th>Event</th>
          <th>Actor</th>
          <th>Correlation id</th>
          <th>Data</th>
          {onShowAt && <th />}
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.eventId} data-event-type={event.type}>
            <td><time dateTime={event.occurredAt} title={event.occurredAt}>{formatInstant(event.occurredAt)}</time></td>
            {showKey && (
              <td>
                <a href={keyRoute({ tenant: event.tenant, id: event.keyId })}>{event.keyId}</a>
                <span className="muted"> {event.tenant}</span>
              </td>
            )}
            <td>{event.type} <span className="muted">v{event.version}</span></td>
            <td data-column="actor">{describeActor(event.actor)}</td>
            <td><code>{event.correlationId}</code></td>
            <td className="data">{describeData(event.data)}</td>
            {onShowAt && (
              <td>
                <button type="button" onClick={() => onShowAt(event.occurredAt)}>
                  Key at this instant
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
