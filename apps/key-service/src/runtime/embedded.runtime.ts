import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { PgliteSqlClient, PostgresEventStore } from '@keys/event-store';
import { InMemoryKeyValidationStore, KeyDetailsPgStore, KeyVerificationsPgStore, PositionFeedRunner } from '@keys/projections';
import { EmbeddedTopology } from '@keys/topology';
import { InMemoryUsageLimiter } from '@key-service/verifier';
import { NO_RELAY } from '../health/relay-status.port';
import { InProcessReadModelSync } from '../keys/in-process-read-model.sync';
import { NO_USAGE_INBOX } from '../keys/using/usage-inbox.port';
import { KeyServiceRuntime } from './key-service.runtime';

/**
 * One process: PGlite under DATA_DIR holds the events and the query model, the validation model
 * is in memory, and both are fed in-process from the store, a command returning once its events
 * are projected. Limits are this process's own counters.
 */
export async function embeddedRuntime(topology: EmbeddedTopology): Promise<KeyServiceRuntime> {
  const logger = new Logger('EmbeddedRuntime');
  const sql = await PgliteSqlClient.open(join(topology.dataDir, 'pglite'));
  try {
    const eventStore = new PostgresEventStore(sql);
    await eventStore.init();
    const queryStore = new KeyDetailsPgStore(sql);
    await queryStore.init();
    const verificationsStore = new KeyVerificationsPgStore(sql);
    await verificationsStore.init();
    const validation = new InMemoryKeyValidationStore();
    const feed = new PositionFeedRunner(eventStore, [queryStore, validation, verificationsStore], {
      onError: (sink, error) => new Logger('Projections').error(`Projection ${sink} failed: ${String(error)}`),
    });
    return {
      kind: 'embedded',
      eventStore,
      queryStore,
      verificationsStore,
      validationLookup: validation,
      importedHashes: validation.imported,
      usageLimiter: new InMemoryUsageLimiter(),
      usageInbox: NO_USAGE_INBOX,
      readModelSync: new InProcessReadModelSync(feed),
      lagSources: [],
      relayStatus: NO_RELAY,
      async start() {
        // Serve nothing until the read models have caught up with the store.
        await feed.catchUp();
        feed.start();
      },
      async stop() {
        await feed.stop();
        await sql.close().catch((e: unknown) => logger.warn(`Closing the store: ${String(e)}`));
      },
    };
  } catch (error) {
    await sql.close();
    throw error;
  }
}
