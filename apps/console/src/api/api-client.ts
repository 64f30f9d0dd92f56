import { ApiError } from './api-error';
import { KeyAddress } from './api.types';

export interface ApiResponse<T> {
  readonly body: T;
  readonly etag: string | null;
}

export interface ApiRequest {
  readonly body?: unknown;
  readonly query?: Record<string, string | undefined>;
  readonly ifMatch?: string;
}

/**
 * Every call the console makes, with the operator's key in x-api-key (never in the URL). A 401
 * means the key no longer works (revoked, expired, disabled): the session ends there.
 */
export class ApiClient {
  constructor(
    private readonly key: string,
    private readonly onUnauthorized: (message: string) => void,
  ) {}

  async call<T>(method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { 'x-api-key': this.key, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
    const response = await fetch(withQuery(path, request.query), {
      method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      // The key travels in the header only; no cookie is ever set or sent.
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const message = errorMessage(parsed) ?? `${response.status} ${response.statusText}`;
      if (response.status === 401) this.onUnauthorized(message);
      throw new ApiError(response.status, message);
    }
    return { body: parsed as T, etag: response.headers.get('etag') };
  }

  get<T>(path: string, query?: Record<string, string | undefined>): Promise<ApiResponse<T>> {
    return this.call<T>('GET', path, { query });
  }
}

/** `/v1/keys/<id>` (+ a suffix) naming the key's tenant, so the root key reaches the right one. */
export function keyPath(key: KeyAddress, suffix = ''): string {
  return `/v1/keys/${encodeURIComponent(key.id)}${suffix}?tenant=${encodeURIComponent(key.tenant)}`;
}

export function withQuery(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, value);
  const text = params.toString();
  if (text === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body === 'string' && body !== '') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  // Nest joins validation failures into an array of messages.
  if (Array.isArray(message)) return message.join('; ');
  return undefined;
}
