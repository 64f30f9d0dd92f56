import { FormEvent, useEffect, useState } from 'react';
import { canManage, KeyRecord, Page } from '../api/api.types';
import { ReasonAction, ReasonActionDialog } from '../key/reason-action.dialog';
import { RotateKeyDialog } from '../key/rotate-key.dialog';
import { useSession } from '../session/api.context';
import { ErrorBanner } from '../ui/error-banner';
import { KeyRow } from './key.row';

interface Filters {
  status: string;
  role: string;
  environment: string;
  tenant: string;
}

const NO_FILTERS: Filters = { status: '', role: '', environment: '', tenant: '' };
const PAGE_SIZE = '25';

/** The keys of the operator's tenant (every tenant's for the root key), filtered by the API, searched here. */
export function KeysPage() {
  const { api, principal } = useSession();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [search, setSearch] = useState('');
  const [keys, setKeys] = useState<KeyRecord[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [action, setAction] = useState<{ kind: ReasonAction | 'rotate'; key: KeyRecord } | null>(null);

  async function load(from: string | null) {
    try {
      const { body } = await api.get<Page<KeyRecord>>('/v1/keys', { ...filters, cursor: from ?? undefined, limit: PAGE_SIZE });
      setKeys((before) => (from === null ? body.items : [...before, ...body.items]));
      setCursor(body.nextCursor);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }

  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when the filters change or after an action
  }, [filters, generation]);

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilters(draft);
  }

  const needle = search.trim().toLowerCase();
  const shown = needle === '' ? keys : keys.filter((key) => [key.name, key.id, key.owner ?? ''].some((text) => text.toLowerCase().includes(needle)));
  const manage = canManage(principal);
  const done = () => {
    setAction(null);
    setGeneration((n) => n + 1);
  };

  return (
    <main>
      <header className="page-header">
        <h1>Keys</h1>
        {manage && <a className="button" href="#/keys/new">Create key</a>}
      </header>
      <form className="filters" onSubmit={apply} aria-label="Filters">
        <label>
          Search name, id, owner
          <input name="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label>
          Status
          <select name="status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">any</option>
            <option value="ACTIVE">active</option>
            <option value="DISABLED">disabled</option>
            <option value="EXPIRED">expired</option>
            <option value="REVOKED">revoked</option>
          </select>
        </label>
        <label>
          Role
          <input name="role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value })} />
        </label>
        <label>
          Environment
          <input name="environment" value={draft.environment} onChange={(e) => setDraft({ ...draft, environment: e.target.value })} />
        </label>
        {principal.kind === 'root' && (
          <label>
            Tenant
            <input name="tenant" value={draft.tenant} onChange={(e) => setDraft({ ...draft, tenant: e.target.value })} />
          </label>
        )}
        <button type="submit">Apply</button>
      </form>
      <ErrorBanner error={error} />
      {needle !== '' && <p className="muted">Searching the {keys.length} keys loaded{cursor !== null ? '; load more to search further' : ''}.</p>}
      <table className="keys">
        <thead>
          <tr>
            <th>Name</th>
            <th>Id</th>
            {principal.kind === 'root' && <th>Tenant</th>}
            <th>Key</th>
            <th>Status</th>
            <th>Roles</th>
            <th>Owner</th>
            <th>Environment</th>
            <th>Last used</th>
            <th>Expires</th>
            <th>36 h</th>
            {manage && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {shown.map((key) => (
            <KeyRow
              key={`${key.tenant}/${key.id}`}
              record={key}
              showTenant={principal.kind === 'root'}
              onAction={manage ? (kind) => setAction({ kind, key }) : undefined}
            />
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="muted">No keys.</p>}
      {cursor !== null && (
        <button type="button" onClick={() => void load(cursor)}>
          Load more
        </button>
      )}
      {action !== null && action.kind === 'rotate' && <RotateKeyDialog keyAddress={action.key} onClose={() => setAction(null)} onDone={done} />}
      {action !== null && action.kind !== 'rotate' && (
        <ReasonActionDialog action={action.kind} keyAddress={action.key} onClose={() => setAction(null)} onDone={done} />
      )}
    </main>
  );
}
