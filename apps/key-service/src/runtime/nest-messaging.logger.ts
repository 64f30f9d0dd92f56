import { Logger } from '@nestjs/common';
import { MessagingLogger } from '@keys/messaging';

/** The relay's reports through the app's logger, so LOG_LEVEL and the JSON log format apply to them too. */
export function nestMessagingLogger(context: string): MessagingLogger {
  const logger = new Logger(context);
  const line = (message: string, meta?: Record<string, unknown>) => (meta ? `${message} ${JSON.stringify(meta)}` : message);
  return {
    info: (message, meta) => logger.log(line(message, meta)),
    warn: (message, meta) => logger.warn(line(message, meta)),
    error: (message, meta) => logger.error(line(message, meta)),
  };
}
