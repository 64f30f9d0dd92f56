import { EventStore, SqlClient, StoredEvent } from '@keys/event-store';
import { waitUntil } from './kafka-topic.collector';

async function feedOnce(store: Pick<EventStore, 'readAll'>): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (let after = 0; ; ) {
    const batch = await store.readAll({ after, limit: 1000 });
    if (batch.length === 0) return all;
    all.push(...batch);
    after = batch[batch.length - 1].position;
  }
}

/**
 * Every event the schema holds, read through the global feed once the feed shows them all.
 * The feed stops short of any transaction still in flight anywhere on the server (its
 * guarantee: it never skips one), so while other suites share PostgreSQL it can trail this
 * suite's own committed appends for a moment. A spec that takes "the feed now" as "everything
 * written" fails on such a moment; this reads until the feed has caught up with the table.
 */
export async function everyCommittedEvent(store: Pick<EventStore, 'readAll'>, sql: SqlClient, timeoutMs = 60_000): Promise<StoredEvent[]> {
  const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM events');
  const committed = Number(rows[0].n);
  let events: StoredEvent[] = [];
  await waitUntil(
    async () => (events = await feedOnce(store)).length >= committed,
    timeoutMs,
    () => `the feed to show all ${committed} committed events (it shows ${events.length})`,
  );
  return events;
}
