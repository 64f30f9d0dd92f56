import { useEffect, useState } from 'react';
import { keyPath } from '../api/api-client';
import { AuditEvent, KeyAddress, Page } from '../api/api.types';
import { useApi } from '../session/api.context';
import { AuditTable } from '../audit/audit.table';
import { ErrorBanner } from '../ui/error-banner';

interface Props {
  readonly keyAddress: KeyAddress;
  /** Bumped after each change made from this page, so the new event shows. */
  readonly generation: number;
  readonly onShowAt: (instant: string) => void;
}

/** The key's own stream (GET /v1/keys/:id/events), in order, page by page. */
export function KeyHistory({ keyAddress, generation, onShowAt }: Props) {
  const api = useApi();
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function load(from: string | null) {
    try {
      const { body } = await api.get<Page<AuditEvent>>(keyPath(keyAddress, '/events'), { cursor: from ?? undefined, limit: '100' });
      setEvents((before) => (from === null ? body.items : [...before, ...body.items]));
      setCursor(body.nextCursor);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }

  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when the key or its version changes
  }, [keyAddress.tenant, keyAddress.id, generation]);

  return (
    <section aria-label="History">
      <h3>History</h3>
      <ErrorBanner error={error} />
      <AuditTable events={events} showKey={false} onShowAt={onShowAt} />
      {cursor !== null && (
        <button type="button" onClick={() => void load(cursor)}>
          More events
        </button>
      )}
    </section>
  );
}
