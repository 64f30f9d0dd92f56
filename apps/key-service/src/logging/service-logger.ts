import pino, { DestinationStream, Logger } from 'pino';

/** Headers that carry keys: never logged. */
const REDACTED = ['req.headers["x-api-key"]', 'req.headers.apikey', 'req.headers.authorization'];

/**
 * The one pino logger of a key-service process: Nest's application logs (through nestjs-pino) and
 * the request log (request-logging.hook.ts) both write through it, so redaction is set once.
 * `destination` is stdout unless a test captures the output.
 */
export function createServiceLogger(level: string, destination?: DestinationStream): Logger {
  // Redacted here, on the root, although the request log never writes headers: a header that
  // reaches any log line by another path is still caught.
  const options = { level, redact: { paths: REDACTED, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
