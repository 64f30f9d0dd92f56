import { useCallback, useEffect, useState } from 'react';
import { keyPath } from '../api/api-client';
import { ApiError } from '../api/api-error';
import { Granularity, KeyAddress, KeyVerifications } from '../api/api.types';
import { useApi } from '../session/api.context';
import { rangeFor } from './buckets';

export type VerificationsState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'no-data' }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'loaded'; readonly data: KeyVerifications };

/**
 * One key's verifications over a range ending now. A 404 is "no data" (a service without the
 * analytics route answers 404 too); other refusals are shown.
 */
export function useVerifications(key: KeyAddress, granularity: Granularity): { state: VerificationsState; reload: () => void } {
  const api = useApi();
  const [state, setState] = useState<VerificationsState>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    const { from, to } = rangeFor(granularity);
    api
      .get<KeyVerifications>(keyPath(key, '/verifications'), { from, to, granularity })
      .then(({ body }) => live && setState({ kind: 'loaded', data: body }))
      .catch((error: unknown) => {
        if (!live) return;
        setState(error instanceof ApiError && error.status === 404 ? { kind: 'no-data' } : { kind: 'error', error });
      });
    return () => {
      live = false;
    };
  }, [api, key.tenant, key.id, granularity, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { state, reload };
}
