import { Logger } from '@nestjs/common';
import { describeError, ErrorBody } from '../errors/error-body';

const logger = new Logger('CompatHttpError');

/**
 * The status and safe message of anything a compat route throws, decided exactly as the native
 * API decides them (same domain-error table, same 500 for unknowns); each dialect's filter then
 * only reshapes the body.
 */
export function describeCompatError(exception: unknown): ErrorBody {
  const body = describeError(exception);
  if (body.statusCode >= 500) logger.error(exception instanceof Error ? exception.stack : String(exception));
  return body;
}
