import { FormEvent, useState } from 'react';
import { keyPath } from '../api/api-client';
import { ApiError } from '../api/api-error';
import { KeyRecord } from '../api/api.types';
import { fieldsOf, KeyFields, patchBody } from '../keys/key-fields';
import { KeyFieldsForm } from '../keys/key-fields.form';
import { useApi } from '../session/api.context';
import { Dialog } from '../ui/dialog';
import { ErrorBanner } from '../ui/error-banner';

interface Props {
  readonly record: KeyRecord;
  /** The ETag of the version the form was filled from: the update applies to that version only. */
  readonly etag: string | null;
  readonly onClose: () => void;
  readonly onDone: (record: KeyRecord) => void;
}

/** Edit any field, roles and limits included; a change made meanwhile by someone else is a 412, not an overwrite. */
export function EditKeyDialog({ record, etag, onClose, onDone }: Props) {
  const api = useApi();
  const [fields, setFields] = useState<KeyFields>(() => fieldsOf(record));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = patchBody(fields, record);
      if (Object.keys(body).length === 0) return onClose();
      const { body: updated } = await api.call<KeyRecord>('PATCH', keyPath(record), { body, ifMatch: etag ?? `"${record.version}"` });
      onDone(updated);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const stale = error instanceof ApiError && error.status === 412;
  return (
    <Dialog title={`Edit ${record.id} (version ${record.version})`} onClose={onClose}>
      <form onSubmit={submit} className="key-form" aria-label="Edit key">
        <KeyFieldsForm fields={fields} onChange={setFields} />
        <ErrorBanner error={error} />
        {stale && <p className="warning">Someone changed this key after you opened the form. Close it, look at the new version, and edit that.</p>}
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={busy}>Save</button>
        </div>
      </form>
    </Dialog>
  );
}
