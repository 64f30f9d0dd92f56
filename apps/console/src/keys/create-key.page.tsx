import { FormEvent, useState } from 'react';
import { CreatedKey } from '../api/api.types';
import { useSession } from '../session/api.context';
import { Dialog } from '../ui/dialog';
import { ErrorBanner } from '../ui/error-banner';
import { navigate, keyRoute } from '../routing/hash-route';
import { createBody, EMPTY_FIELDS, KeyFields } from './key-fields';
import { KeyFieldsForm } from './key-fields.form';
import { SecretView } from './secret.view';

/** Every field of POST /v1/keys; the secret is shown once, in a dialog, then forgotten. */
export function CreateKeyPage() {
  const { api, principal } = useSession();
  const [fields, setFields] = useState<KeyFields>(EMPTY_FIELDS);
  const [id, setId] = useState('');
  const [tenant, setTenant] = useState('');
  const [prefix, setPrefix] = useState('');
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = createBody(fields);
      if (id.trim() !== '') body.id = id.trim();
      if (tenant.trim() !== '') body.tenant = tenant.trim();
      if (prefix.trim() !== '') body.prefix = prefix.trim();
      setCreated((await api.call<CreatedKey>('POST', '/v1/keys', { body })).body);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main>
      <h1>Create a key</h1>
      <form onSubmit={submit} aria-label="Create a key" className="key-form">
        <div className="row">
          <label>
            Id (optional; a UUID otherwise)
            <input name="id" value={id} onChange={(e) => setId(e.target.value)} />
          </label>
          {principal.kind === 'root' && (
            <label>
              Tenant
              <input name="tenant" value={tenant} onChange={(e) => setTenant(e.target.value)} placeholder="default" />
            </label>
          )}
          <label>
            Prefix
            <input name="prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="sk" />
          </label>
        </div>
        <KeyFieldsForm fields={fields} onChange={setFields} />
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="submit" disabled={busy}>Create key</button>
        </div>
      </form>
      {created !== null && (
        <Dialog title="Key created" onClose={() => navigate(keyRoute(created))}>
          <p>
            <strong>{created.name}</strong> (<code>{created.id}</code>) in tenant <code>{created.tenant}</code>
          </p>
          <SecretView secret={created.key} />
          <div className="actions">
            <button type="button" onClick={() => navigate(keyRoute(created))}>I have stored it: open the key</button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
