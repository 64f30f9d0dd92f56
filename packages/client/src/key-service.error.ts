import type { ErrorResponse } from './api.types';

/**
 * A non-2xx answer of the key service, carrying what the API said: `status`, `code` (the body's
 * `error`, e.g. `Conflict`) and `message` (which names the rule or verify code that refused).
 * Subclasses per status let callers `catch` by kind; every other status is this class itself.
 */
export class KeyServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The response body as sent (the API's `{statusCode, error, message}` when it is JSON). */
    readonly body: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class KeyServiceBadRequestError extends KeyServiceError {}
export class KeyServiceUnauthorizedError extends KeyServiceError {}
export class KeyServiceForbiddenError extends KeyServiceError {}
export class KeyServiceNotFoundError extends KeyServiceError {}
export class KeyServiceConflictError extends KeyServiceError {}
export class KeyServicePreconditionFailedError extends KeyServiceError {}
export class KeyServiceTooManyRequestsError extends KeyServiceError {}
export class KeyServiceUnavailableError extends KeyServiceError {}

/** The service could not be reached at all (connection refused, DNS, timeout): no status. */
export class KeyServiceNetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyServiceNetworkError';
  }
}

const BY_STATUS: Readonly<Record<number, typeof KeyServiceError>> = {
  400: KeyServiceBadRequestError,
  401: KeyServiceUnauthorizedError,
  403: KeyServiceForbiddenError,
  404: KeyServiceNotFoundError,
  409: KeyServiceConflictError,
  412: KeyServicePreconditionFailedError,
  429: KeyServiceTooManyRequestsError,
  503: KeyServiceUnavailableError,
};

function isErrorResponse(body: unknown): body is ErrorResponse {
  return typeof body === 'object' && body !== null && typeof (body as ErrorResponse).message === 'string';
}

export function keyServiceError(status: number, statusText: string, body: unknown): KeyServiceError {
  const Type = BY_STATUS[status] ?? KeyServiceError;
  if (isErrorResponse(body)) return new Type(status, typeof body.error === "string" ? body.error : statusText, body.message, body);
  return new Type(status, statusText, `${status} ${statusText}`.trim(), body);
}
