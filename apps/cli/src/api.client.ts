import { CliError } from './cli.error';
import { ExitCode, exitCodeForStatus } from './exit-codes';

export type QueryValue = string | number | undefined;

export interface ApiRequest {
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Public routes (verify) need no management key. */
  readonly anonymous?: boolean;
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A non-2xx answer: the API's `{statusCode, error, message}` kept whole for --json. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    body: unknown,
  ) {
    super(exitCodeForStatus(status), message, body);
    this.name = 'ApiError';
  }
}

/**
 * The few calls the CLI makes to /v1, over fetch. Deliberately small and internal, with exit
 * codes for errors: other programs use the typed client package, @key-service/client.
 */
export class ApiClient {
  constructor(
    private readonly baseUrl: URL,
    private readonly apiKey: string | undefined,
  ) {}

  async call<T>(method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse<T>> {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl.href.endsWith('/') ? this.baseUrl : `${this.baseUrl.href}/`);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (!request.anonymous) {
      if (!this.apiKey) throw new CliError(ExitCode.Auth, 'No management key: set KEY_SERVICE_API_KEY (or pass --api-key)');
      headers['x-api-key'] = this.apiKey;
    }
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body });
    } catch (error) {
      throw new CliError(ExitCode.Unavailable, `Cannot reach the key service at ${this.baseUrl.origin}: ${describeFetchFailure(error)}`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) throw new ApiError(response.status, errorMessage(response, parsed, text), parsed ?? { statusCode: response.status, message: text });
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorMessage(response: Response, parsed: unknown, text: string): string {
  if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
    const { message } = parsed as { message: unknown };
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.join('; ');
  }
  return text.trim() || `${response.status} ${response.statusText}`;
}

/** fetch hides the socket error in `cause`; ECONNREFUSED says more than "fetch failed". */
function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
