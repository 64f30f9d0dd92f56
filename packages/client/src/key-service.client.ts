import type {
  AuditPage,
  AuditQuery,
  CreatedKey,
  CreateKeyRequest,
  GetKeyOptions,
  KeyList,
  KeyRecord,
  ListKeysQuery,
  ReasonRequest,
  RotatedKey,
  RotateKeyRequest,
  TenantOption,
  UpdateKeyOptions,
  UpdateKeyRequest,
  VerifyKeyRequest,
  VerifyKeyResponse,
  WhoamiRequest,
} from './api.types';
import { keyServiceError, KeyServiceNetworkError } from './key-service.error';

export interface KeyServiceClientOptions {
  /** Where the key service listens, e.g. `https://keys.internal`. */
  readonly baseUrl: string;
  /** A root or management key (role `admin`, or `auditor` to read). Not needed for verify and whoami. */
  readonly apiKey?: string;
  /** Default: the global fetch (Node 20+). */
  readonly fetch?: typeof fetch;
  /** Sent with every call. */
  readonly headers?: Readonly<Record<string, string>>;
}

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

interface Call {
  readonly query?: Query;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The key service's native `/v1` API, typed from its OpenAPI document. Every method resolves to the
 * documented body of the success response and rejects with a `KeyServiceError` subclass carrying
 * the API's status, code and message (or a `KeyServiceNetworkError` when there was no answer).
 */
export class KeyServiceClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: KeyServiceClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Creates a key; the plaintext `key` is in this answer only. */
  create(request: CreateKeyRequest): Promise<CreatedKey> {
    return this.call('POST', '/v1/keys', { body: request });
  }

  list(query: ListKeysQuery = {}): Promise<KeyList> {
    return this.call('GET', '/v1/keys', { query });
  }

  get(id: string, options: GetKeyOptions = {}): Promise<KeyRecord> {
    return this.call('GET', this.keyPath(id), { query: { tenant: options.tenant, at: options.at } });
  }

  update(id: string, request: UpdateKeyRequest, options: UpdateKeyOptions = {}): Promise<KeyRecord> {
    const headers = options.ifMatch === undefined ? undefined : { 'if-match': String(options.ifMatch) };
    return this.call('PATCH', this.keyPath(id), { body: request, query: { tenant: options.tenant }, headers });
  }

  /** A new secret for the key; the plaintext is in this answer only. */
  rotate(id: string, request: RotateKeyRequest = {}, options: TenantOption = {}): Promise<RotatedKey> {
    return this.call('POST', `${this.keyPath(id)}/rotate`, { body: request, query: { tenant: options.tenant } });
  }

  disable(id: string, request: ReasonRequest = {}, options: TenantOption = {}): Promise<KeyRecord> {
    return this.call('POST', `${this.keyPath(id)}/disable`, { body: request, query: { tenant: options.tenant } });
  }

  enable(id: string, request: ReasonRequest = {}, options: TenantOption = {}): Promise<KeyRecord> {
    return this.call('POST', `${this.keyPath(id)}/enable`, { body: request, query: { tenant: options.tenant } });
  }

  /** Final: the key never verifies again. */
  revoke(id: string, request: ReasonRequest = {}, options: TenantOption = {}): Promise<KeyRecord> {
    return this.call('POST', `${this.keyPath(id)}/revoke`, { body: request, query: { tenant: options.tenant } });
  }

  /** Public: answers 200 with `{valid, code, …}` for any well-formed request, valid or not. */
  verify(request: VerifyKeyRequest): Promise<VerifyKeyResponse> {
    return this.call('POST', '/v1/keys/verify', { body: request });
  }

  /** Public: the record of the key presented in the body (404 when it is not valid). */
  whoami(request: WhoamiRequest): Promise<KeyRecord> {
    return this.call('POST', '/v1/keys/whoami', { body: request });
  }

  /** Events of the caller's tenants, newest first, filtered and paginated by `cursor`. */
  audit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.call('GET', '/v1/audit', { query });
  }

  private keyPath(id: string): string {
    return `/v1/keys/${encodeURIComponent(id)}`;
  }

  private async call<T>(method: string, path: string, call: Call): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers, ...call.headers };
    if (this.options.apiKey) headers['x-api-key'] = this.options.apiKey;
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await this.fetch(url, { method, headers, body });
    } catch (error) {
      throw new KeyServiceNetworkError(`Cannot reach the key service at ${url.origin}: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) throw keyServiceError(response.status, response.statusText, parsed);
    return parsed as T;
  }
}
