import { createContext, useContext } from 'react';
import { ApiClient } from '../api/api-client';
import { Principal } from '../api/api.types';

export interface Session {
  readonly api: ApiClient;
  readonly principal: Principal;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in session');
  return session;
}

export function useApi(): ApiClient {
  return useSession().api;
}
