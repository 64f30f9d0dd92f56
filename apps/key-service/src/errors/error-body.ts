import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { KeyDomainError, KeyDomainErrorCode } from '@keys/domain';
import { WrongExpectedVersionError } from '@keys/event-store';
import { VerificationUnavailableError } from '@key-service/verifier';

/** The one error shape of the native API. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
}

const DOMAIN_STATUS: Record<KeyDomainErrorCode, number> = {
  KEY_NOT_FOUND: 404,
  KEY_ALREADY_EXISTS: 409,
  KEY_REVOKED: 409,
  KEY_ALREADY_DISABLED: 409,
  KEY_NOT_DISABLED: 409,
  INVALID_EXPIRY: 400,
  INVALID_GRACE_PERIOD: 400,
  INVALID_USAGE: 400,
};

function messageOf(response: string | object): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}

/**
 * Maps anything thrown while serving a request to a status and a message that is safe to show.
 * Unknown errors become a bare 500: their text could carry internals, never a 4xx guess.
 */
export function describeError(exception: unknown): ErrorBody {
  let statusCode = 500;
  let message = 'Internal server error';
  if (exception instanceof HttpException) {
    statusCode = exception.getStatus();
    message = messageOf(exception.getResponse()) ?? exception.message;
  } else if (exception instanceof KeyDomainError) {
    statusCode = DOMAIN_STATUS[exception.code];
    message = exception.message;
  } else if (exception instanceof WrongExpectedVersionError) {
    statusCode = 409;
    message = `Key '${exception.streamId}' was changed concurrently; retry`;
  } else if (exception instanceof VerificationUnavailableError) {
    // Fail closed: when nothing can decide whether a key is valid, say so; never guess VALID.
    statusCode = 503;
    message = 'Key verification is temporarily unavailable; retry shortly';
  } else if (isClientError(exception)) {
    // Fastify's own rejections: malformed JSON, oversize body, unsupported media type.
    statusCode = exception.statusCode;
    message = exception.message;
  }
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function isClientError(e: unknown): e is { statusCode: number; message: string } {
  if (typeof e !== 'object' || e === null) return false;
  const status = (e as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 && typeof (e as { message?: unknown }).message === 'string';
}
