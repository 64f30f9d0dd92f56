import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { PostgresEventStore } from '@keys/event-store';
import { createTestSchema, TEST_DATABASE_URL } from '../../../test/support/postgres';
import { KeyEventWriter, writeLifecycles } from '../../../test/support/key-event.fixtures';
import { waitUntil } from '../../../test/support/kafka-topic.collector';
import { silentMessagingLogger } from './kafka/messaging.logger';
import { ensureTopic } from './kafka/kafka-topic.ensure';
import { KafkaEventRelay } from './relaying/kafka-event.relay';

jest.setTimeout(120_000);

// The schema files ship in @key-service/events; docs/events.md links to them there.
const SCHEMAS = path.resolve(__dirname, '../../../packages/events/schemas');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Schema {
  type?: string | string[];
  const?: Json;
  enum?: Json[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minimum?: number;
  format?: string;
}

function typeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The subset of JSON Schema the schema files use; returns every violation found. */
function violations(schema: Schema, value: Json, at = '$'): string[] {
  const out: string[] = [];
  if (schema.type) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) return [`${at}: ${actual} is not ${allowed.join('|')}`];
  }
  if (schema.const !== undefined && value !== schema.const) out.push(`${at}: not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) out.push(`${at}: below ${schema.minimum}`);
  if (schema.format === 'date-time' && typeof value === 'string' && Number.isNaN(Date.parse(value))) out.push(`${at}: not a date-time`);
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => out.push(...violations(schema.items as Schema, item, `${at}[${i}]`)));
  if (typeOf(value) === 'object') {
    const object = value as Record<string, Json>;
    for (const field of schema.required ?? []) if (!(field in object)) out.push(`${at}.${field}: missing`);
    for (const [field, fieldValue] of Object.entries(object)) {
      const own = schema.properties?.[field];
      if (own) out.push(...violations(own, fieldValue, `${at}.${field}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${field}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') out.push(...violations(schema.additionalProperties, fieldValue, `${at}.${field}`));
    }
  }
  return out;
}

function schemaFile(type: string, version: string): Schema {
  const name = type.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();
  return JSON.parse(readFileSync(path.join(SCHEMAS, `${name}.v${version}.json`), 'utf8')) as Schema;
}

describe('the event contract page (docs/events.md)', () => {
  it('is enough to write a consumer that follows the topic: plain kafkajs and JSON.parse', async () => {
    const { schema, sql, drop } = await createTestSchema('contract');
    const store = new PostgresEventStore(sql);
    await store.init();
    const topic = `key-events-${randomUUID()}`;
    const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
    const relay = new KafkaEventRelay({
      store,
      sql,
      lockConnection: { connectionString: TEST_DATABASE_URL, schema },
      brokers,
      topic,
      pollIntervalMs: 50,
      logger: silentMessagingLogger,
    });
    await relay.init();
    const kafka = new Kafka({ clientId: 'contract-consumer', brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `contract-${randomUUID()}` });
    try {
      const writer = new KeyEventWriter(store);
      const keys = await writeLifecycles(writer, 6);
      relay.start();

      // The consumer below uses only what docs/events.md says: topic, key, headers, envelope, dedupe by version.
      const problems: string[] = [];
      const state = new Map<string, { version: number; status: string; usage: number; roles: string[] }>();
      await ensureTopic(kafka, topic);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse((message.value as Buffer).toString('utf8')) as Record<string, Json> & {
            type: string;
            keyId: string;
            tenant: string;
            version: number;
            schemaVersion: number;
            data: Record<string, Json>;
          };
          const type = message.headers?.['event-type']?.toString();
          const schemaVersion = message.headers?.['schema-version']?.toString();
          // A key is (tenant, keyId): ids are unique per tenant only, and the message key says both.
          const key = `${event.tenant}/${event.keyId}`;
          if (message.key?.toString() !== key) problems.push(`message key is not tenant/keyId for ${key}`);
          if (type !== event.type || schemaVersion !== String(event.schemaVersion)) problems.push(`headers disagree with ${event.type}`);
          problems.push(...violations(schemaFile(event.type, String(schemaVersion)), event as Json));

          const current = state.get(key) ?? { version: 0, status: 'NONE', usage: 0, roles: [] };
          if (event.version <= current.version) return;
          if (event.version !== current.version + 1) problems.push(`gap on ${key} at ${event.version}`);
          const next = { ...current, version: event.version };
          if (event.type === 'KeyCreated') Object.assign(next, { status: 'ACTIVE', roles: event.data.roles });
          if (event.type === 'KeyUpdated' && event.data.roles) next.roles = event.data.roles as string[];
          if (event.type === 'KeyUsed') next.usage += event.data.count as number;
          if (event.type === 'KeyRevoked') next.status = 'REVOKED';
          if (event.type === 'KeyDisabled') next.status = 'DISABLED';
          if (event.type === 'KeyEnabled') next.status = 'ACTIVE';
          state.set(key, next);
        },
      });

      await waitUntil(() => keys.every((k) => state.get(`${k.tenant}/${k.keyId}`)?.version === writer.versionOf(k.keyId)), 60_000, () => 'consumer to catch up');
      expect(problems).toEqual([]);
      keys.forEach((k, i) =>
        expect(state.get(`${k.tenant}/${k.keyId}`)).toEqual({
          version: writer.versionOf(k.keyId),
          status: i % 4 === 1 ? 'REVOKED' : 'ACTIVE',
          usage: i + 1 + 2,
          roles: ['admin'],
        }),
      );
    } finally {
      await consumer.disconnect();
      await relay.stop();
      await drop();
    }
  });
});
