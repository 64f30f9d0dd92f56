import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient } from './api/api-client';
import { Principal } from './api/api.types';
import { AuditPage } from './audit/audit.page';
import { KeyPage } from './key/key.page';
import { CreateKeyPage } from './keys/create-key.page';
import { KeysPage } from './keys/keys.page';
import { useRoute } from './routing/hash-route';
import { SessionContext } from './session/api.context';
import { resolvePrincipal } from './session/resolve-principal';
import { clearSessionKey, readSessionKey, writeSessionKey } from './session/session.store';
import { SignInPage } from './session/sign-in.page';

type SessionState =
  | { readonly kind: 'signed-out'; readonly notice: string | null }
  | { readonly kind: 'resuming'; readonly key: string }
  | { readonly kind: 'signed-in'; readonly key: string; readonly principal: Principal };

function describe(principal: Principal): string {
  return principal.kind === 'root' ? 'root key (every tenant)' : `${principal.keyId} · tenant ${principal.tenant} · ${principal.roles.join(', ')}`;
}

export function App() {
  const [session, setSession] = useState<SessionState>(() => {
    const key = readSessionKey();
    return key === null ? { kind: 'signed-out', notice: null } : { kind: 'resuming', key };
  });
  const route = useRoute();

  const signOut = useCallback((notice: string | null) => {
    clearSessionKey();
    setSession({ kind: 'signed-out', notice });
  }, []);

  // A reload keeps the tab's session: ask the API again who the key is (it may be revoked by now).
  useEffect(() => {
    if (session.kind !== 'resuming') return;
    resolvePrincipal(session.key)
      .then((principal) => setSession({ kind: 'signed-in', key: session.key, principal }))
      .catch((error: unknown) => signOut(`Signed out: ${error instanceof Error ? error.message : String(error)}`));
  }, [session, signOut]);

  const value = useMemo(() => {
    if (session.kind !== 'signed-in') return null;
    // An expired, revoked or disabled sign-in key answers 401 anywhere: back to sign-in, with the API's reason.
    const api = new ApiClient(session.key, (message) => signOut(`Signed out: ${message}`));
    return { api, principal: session.principal };
  }, [session, signOut]);

  if (session.kind === 'signed-out')
    return (
      <SignInPage
        notice={session.notice}
        onSignedIn={(key, principal) => {
          writeSessionKey(key);
          setSession({ kind: 'signed-in', key, principal });
        }}
      />
    );
  if (value === null) return <p className="muted">Signing in…</p>;
  return (
    <SessionContext.Provider value={value}>
      <nav className="top">
        <strong>Key service</strong>
        <a href="#/keys" aria-current={route.page === 'keys' ? 'page' : undefined}>Keys</a>
        <a href="#/audit" aria-current={route.page === 'audit' ? 'page' : undefined}>Audit</a>
        <span className="who" data-testid="signed-in-as">{describe(value.principal)}</span>
        <button type="button" onClick={() => signOut(null)}>Sign out</button>
      </nav>
      {route.page === 'keys' && <KeysPage />}
      {route.page === 'create' && <CreateKeyPage />}
      {route.page === 'key' && <KeyPage key={`${route.key.tenant}/${route.key.id}`} keyAddress={route.key} />}
      {route.page === 'audit' && <AuditPage keyId={route.keyId} />}
    </SessionContext.Provider>
  );
}
