import { FormEvent, useState } from 'react';
import { Principal } from '../api/api.types';
import { resolvePrincipal } from './resolve-principal';
import { ErrorBanner } from '../ui/error-banner';

interface Props {
  readonly notice: string | null;
  readonly onSignedIn: (key: string, principal: Principal) => void;
}

export function SignInPage({ notice, onSignedIn }: Props) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const entered = key.trim();
      onSignedIn(entered, await resolvePrincipal(entered));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>Key service console</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <p>Sign in with a management key: the root key, or a key with the <code>admin</code> or <code>auditor</code> role.</p>
        {notice && <p className="notice" role="status">{notice}</p>}
        <ErrorBanner error={error} />
        <label>
          Management key
          <input name="key" type="password" autoComplete="off" required value={key} onChange={(e) => setKey(e.target.value)} />
        </label>
        <button type="submit" disabled={busy || key.trim() === ''}>Sign in</button>
        <p className="hint">The key is kept in this tab's session storage only and is removed when you sign out or close the tab.</p>
      </form>
    </main>
  );
}
