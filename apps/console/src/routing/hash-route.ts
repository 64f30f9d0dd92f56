import { useEffect, useState } from 'react';
import { KeyAddress } from '../api/api.types';

// Routes live in the URL's hash: the server serves one index.html, and nothing secret is ever in
// a route (the key stays in sessionStorage).
export type Route =
  | { readonly page: 'keys' }
  | { readonly page: 'create' }
  | { readonly page: 'key'; readonly key: KeyAddress }
  | { readonly page: 'audit'; readonly keyId?: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'keys' && parts[1] === 'new') return { page: 'create' };
  if (parts[0] === 'keys' && parts.length === 3) return { page: 'key', key: { tenant: parts[1], id: parts[2] } };
  if (parts[0] === 'audit') return parts[1] ? { page: 'audit', keyId: parts[1] } : { page: 'audit' };
  return { page: 'keys' };
}

export function keyRoute(key: KeyAddress): string {
  return `#/keys/${encodeURIComponent(key.tenant)}/${encodeURIComponent(key.id)}`;
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
