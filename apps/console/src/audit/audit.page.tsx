import { FormEvent, useEffect, useState } from 'react';
import { AuditEvent, Page } from '../api/api.types';
import { useSession } from '../session/api.context';
import { ErrorBanner } from '../ui/error-banner';
import { fromLocalInput } from '../ui/format';
import { AuditTable } from './audit.table';

// The event types GET /v1/audit filters by (its `type` enum in /docs/json).
const EVENT_TYPES = ['KeyCreated', 'KeyUpdated', 'KeyRotated', 'KeyDisabled', 'KeyEnabled', 'KeyRevoked', 'KeyUsed', 'KeyRevealed'];

interface Filters {
  keyId: string;
  type: string;
  actor: string;
  from: string;
  to: string;
  tenant: string;
}

/** The tenant's audit log (every tenant's for the root key) with the API's own filters. */
export function AuditPage({ keyId }: { readonly keyId?: string }) {
  const { api, principal } = useSession();
  const initial: Filters = { keyId: keyId ?? '', type: '', actor: '', from: '', to: '', tenant: '' };
  const [draft, setDraft] = useState<Filters>(initial);
  const [filters, setFilters] = useState<Filters>(initial);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function load(from: string | null) {
    try {
      const query = {
        keyId: filters.keyId.trim(),
        type: filters.type,
        actor: filters.actor.trim(),
        tenant: filters.tenant.trim(),
        from: fromLocalInput(filters.from),
        to: fromLocalInput(filters.to),
        cursor: from ?? undefined,
        limit: '100',
      };
      const { body } = await api.get<Page<AuditEvent>>('/v1/audit', query);
      setEvents((before) => (from === null ? body.items : [...before, ...body.items]));
      setCursor(body.nextCursor);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }

  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when the filters change
  }, [filters]);

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilters(draft);
  }

  const field = (name: keyof Filters, label: string, type = 'text') => (
    <label>
      {label}
      <input name={name} type={type} step={type === 'datetime-local' ? 1 : undefined} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
    </label>
  );

  return (
    <main>
      <h1>Audit</h1>
      <form className="filters" onSubmit={apply} aria-label="Audit filters">
        {field('keyId', 'Key id')}
        <label>
          Type
          <select name="type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
            <option value="">any</option>
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type}>{type}</option>
            ))}
          </select>
        </label>
        {field('actor', 'Actor (key id, root, key-service)')}
        {field('from', 'From', 'datetime-local')}
        {field('to', 'To', 'datetime-local')}
        {principal.kind === 'root' && field('tenant', 'Tenant')}
        <button type="submit">Apply</button>
      </form>
      <ErrorBanner error={error} />
      <AuditTable events={events} showKey />
      {cursor !== null && (
        <button type="button" onClick={() => void load(cursor)}>
          More events
        </button>
      )}
    </main>
  );
}
