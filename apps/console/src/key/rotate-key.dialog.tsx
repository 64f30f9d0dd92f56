import { FormEvent, useState } from 'react';
import { keyPath } from '../api/api-client';
import { KeyAddress, KeyRecord, RotatedKey } from '../api/api.types';
import { SecretView } from '../keys/secret.view';
import { useApi } from '../session/api.context';
import { Dialog } from '../ui/dialog';
import { ErrorBanner } from '../ui/error-banner';
import { formatInstant } from '../ui/format';

const GRACE_CHOICES: { seconds: number; label: string }[] = [
  { seconds: 0, label: 'None: the old secret stops now' },
  { seconds: 15 * 60, label: '15 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 24 * 3600, label: '24 hours' },
];

interface Props {
  readonly keyAddress: KeyAddress;
  readonly onClose: () => void;
  readonly onDone: (record: KeyRecord) => void;
}

/** A new secret for the same key, the old one verifying through the chosen grace period. */
export function RotateKeyDialog({ keyAddress, onClose, onDone }: Props) {
  const api = useApi();
  const [grace, setGrace] = useState(0);
  const [rotated, setRotated] = useState<RotatedKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { body } = await api.call<RotatedKey>('POST', keyPath(keyAddress, '/rotate'), { body: { gracePeriodSeconds: grace } });
      setRotated(body);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  function close() {
    // The secret leaves memory with the dialog; the caller gets the record without it.
    if (rotated !== null) {
      const { key: _secret, previousKeyValidUntil: _until, ...record } = rotated;
      onDone(record);
    } else onClose();
  }

  return (
    <Dialog title={`Rotate ${keyAddress.id}`} onClose={close}>
      {rotated === null ? (
        <form onSubmit={submit}>
          <fieldset>
            <legend>Grace period for the current secret</legend>
            {GRACE_CHOICES.map((choice) => (
              <label key={choice.seconds} className="inline">
                <input type="radio" name="grace" value={choice.seconds} checked={grace === choice.seconds} onChange={() => setGrace(choice.seconds)} />
                {choice.label}
              </label>
            ))}
          </fieldset>
          <ErrorBanner error={error} />
          <div className="actions">
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" disabled={busy}>Rotate</button>
          </div>
        </form>
      ) : (
        <>
          <SecretView secret={rotated.key} />
          <p data-testid="previous-valid-until">
            {rotated.previousKeyValidUntil === null
              ? 'The previous secret no longer verifies.'
              : `The previous secret verifies until ${formatInstant(rotated.previousKeyValidUntil)}.`}
          </p>
          <div className="actions">
            <button type="button" onClick={close}>Done</button>
          </div>
        </>
      )}
    </Dialog>
  );
}
