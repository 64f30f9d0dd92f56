import { FormEvent, useState } from 'react';
import { keyPath } from '../api/api-client';
import { KeyAddress, KeyRecord } from '../api/api.types';
import { useApi } from '../session/api.context';
import { Dialog } from '../ui/dialog';
import { ErrorBanner } from '../ui/error-banner';

export type ReasonAction = 'revoke' | 'disable' | 'enable';

const WORDING: Record<ReasonAction, { title: string; warning: string; confirm: string }> = {
  revoke: {
    title: 'Revoke key',
    warning: 'Revoking is final: the key and any secret still in a grace period stop verifying at once and cannot be restored.',
    confirm: 'Revoke permanently',
  },
  disable: { title: 'Disable key', warning: 'The key stops verifying (DISABLED) until it is enabled again.', confirm: 'Disable' },
  enable: { title: 'Enable key', warning: 'The key verifies again.', confirm: 'Enable' },
};

interface Props {
  readonly action: ReasonAction;
  readonly keyAddress: KeyAddress;
  readonly onClose: () => void;
  readonly onDone: (record: KeyRecord) => void;
}

/** Revoke, disable or enable, each with a reason the audit trail keeps, after a confirmation. */
export function ReasonActionDialog({ action, keyAddress, onClose, onDone }: Props) {
  const api = useApi();
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(action !== 'revoke');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const wording = WORDING[action];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = reason.trim() === '' ? {} : { reason: reason.trim() };
      const { body: record } = await api.call<KeyRecord>('POST', keyPath(keyAddress, `/${action}`), { body });
      onDone(record);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={`${wording.title} ${keyAddress.id}`} onClose={onClose}>
      <form onSubmit={submit}>
        <p className="warning">{wording.warning}</p>
        <label>
          Reason (kept in the audit trail)
          <textarea name="reason" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        {action === 'revoke' && (
          <label className="inline">
            <input type="checkbox" name="confirm" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
            I understand this cannot be undone
          </label>
        )}
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className={action === 'revoke' ? 'danger' : ''} disabled={busy || !confirmed}>
            {wording.confirm}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
