import { consoleMessagingLogger } from '@keys/messaging';
import { loadProjectorConfig } from './projector.config';
import { Projector } from './projector';

/** Builds the read models from the key events topic until SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const logger = consoleMessagingLogger;
  const config = loadProjectorConfig(process.env);
  const projector = await Projector.create(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('projector stopping', { signal });
    projector
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error('projector did not stop cleanly', { error: (error as Error).message });
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await projector.start();
  logger.info('projector started', { topic: config.kafkaTopic, groupId: config.kafkaGroupId });
}

main().catch((error: unknown) => {
  consoleMessagingLogger.error('projector failed to start', { error: (error as Error).message });
  process.exit(1);
});
