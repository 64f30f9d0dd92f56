import { FormEvent, useCallback, useEffect, useState } from 'react';
import { keyPath } from '../api/api-client';
import { canManage, KeyAddress, KeyRecord } from '../api/api.types';
import { VerificationsChart } from '../charts/verifications.chart';
import { KeyBadges } from '../keys/key-badges';
import { useSession } from '../session/api.context';
import { ErrorBanner } from '../ui/error-banner';
import { fromLocalInput, toLocalInput } from '../ui/format';
import { EditKeyDialog } from './edit-key.dialog';
import { KeyDetails } from './key-details.view';
import { KeyHistory } from './key-history.view';
import { ReasonAction, ReasonActionDialog } from './reason-action.dialog';
import { RotateKeyDialog } from './rotate-key.dialog';

type OpenDialog = 'none' | 'edit' | 'rotate' | ReasonAction;

/** One key: now, at any earlier instant, its verifications, its history, and what can be done to it. */
export function KeyPage({ keyAddress }: { readonly keyAddress: KeyAddress }) {
  const { api, principal } = useSession();
  const [record, setRecord] = useState<KeyRecord | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dialog, setDialog] = useState<OpenDialog>('none');
  const [generation, setGeneration] = useState(0);
  const [atInput, setAtInput] = useState('');
  const [past, setPast] = useState<{ at: string; record: KeyRecord } | null>(null);
  const [pastError, setPastError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const { body, etag: version } = await api.get<KeyRecord>(keyPath(keyAddress));
      setRecord(body);
      setEtag(version);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, [api, keyAddress.tenant, keyAddress.id]);

  useEffect(() => {
    void load();
  }, [load, generation]);

  async function showAt(instant: string) {
    setAtInput(toLocalInput(instant));
    setPastError(null);
    try {
      const { body } = await api.get<KeyRecord>(keyPath(keyAddress), { at: instant });
      setPast({ at: instant, record: body });
    } catch (caught) {
      setPast(null);
      setPastError(caught);
    }
  }

  function submitAt(event: FormEvent) {
    event.preventDefault();
    const instant = fromLocalInput(atInput);
    if (instant !== undefined) void showAt(instant);
  }

  function changed(updated: KeyRecord) {
    setRecord(updated);
    setDialog('none');
    // The PATCH/POST answer has no ETag: reload for it, and for the history's new event.
    setGeneration((n) => n + 1);
  }

  if (record === null) return <main><h1>{keyAddress.id}</h1><ErrorBanner error={error} />{error === null && <p>Loading…</p>}</main>;
  const manage = canManage(principal) && record.status !== 'REVOKED';
  return (
    <main>
      <header className="page-header">
        <h1>
          {record.name} <KeyBadges record={record} />
        </h1>
        {manage && (
          <div className="actions" role="group" aria-label="Key actions">
            <button type="button" onClick={() => setDialog('edit')}>Edit</button>
            {record.status === 'DISABLED' ? (
              <button type="button" onClick={() => setDialog('enable')}>Enable</button>
            ) : (
              <button type="button" onClick={() => setDialog('disable')}>Disable</button>
            )}
            <button type="button" onClick={() => setDialog('rotate')}>Rotate</button>
            <button type="button" className="danger" onClick={() => setDialog('revoke')}>Revoke</button>
          </div>
        )}
      </header>
      <ErrorBanner error={error} />
      <VerificationsChart keyAddress={keyAddress} />
      <form className="time-picker" onSubmit={submitAt} aria-label="Key at an instant">
        <label>
          Show the key as it was at
          <input name="at" type="datetime-local" step={1} value={atInput} onChange={(e) => setAtInput(e.target.value)} required />
        </label>
        <button type="submit">Show</button>
        {past !== null && (
          <button type="button" onClick={() => setPast(null)}>
            Back to now
          </button>
        )}
      </form>
      <ErrorBanner error={pastError} />
      <div className="details-pair">
        <KeyDetails record={record} label="Now" />
        {past !== null && <KeyDetails record={past.record} label={`As it was at ${past.at}`} />}
      </div>
      <KeyHistory keyAddress={keyAddress} generation={generation} onShowAt={(instant) => void showAt(instant)} />
      {dialog === 'edit' && <EditKeyDialog record={record} etag={etag} onClose={() => setDialog('none')} onDone={changed} />}
      {dialog === 'rotate' && <RotateKeyDialog keyAddress={keyAddress} onClose={() => setDialog('none')} onDone={changed} />}
      {(dialog === 'revoke' || dialog === 'disable' || dialog === 'enable') && (
        <ReasonActionDialog action={dialog} keyAddress={keyAddress} onClose={() => setDialog('none')} onDone={changed} />
      )}
    </main>
  );
}
