import { parseKeyStreamId } from '@key-service/events';
import { SqlClient } from '@keys/event-store';
import { writeCheckpoint } from '../feed/checkpoint.schema';
import { BulkRebuild, KeyChange } from '../rebuild/bulk-rebuild';
import { chunksOf, REBUILD_ROWS_PER_STATEMENT } from '../rebuild/rows-per-statement';
import { KeyVerificationsDocument, keyVerificationsProjection } from './key-verifications.projection';
import { KEY_VERIFICATION_BUCKETS_INDEXES, KEY_VERIFICATION_BUCKETS_KEY_COLUMNS, KEY_VERIFICATION_BUCKETS_PKEY } from './key-verifications.schema';
import { addMinutes, expired, forEachRolledUp, MinuteSums } from './verification-buckets';

/**
 * The analytics' bulk writes. The projection folds each key's KeyUsed minutes into its document's
 * `added`; after every page `settle` sums them per key, minute and code in memory, so a counter is
 * written once however many events fed it. A flush rolls each key's minutes up (forEachRolledUp:
 * rollUp's counters) to minute, hour and day buckets, adds them to the table (a counter flushed
 * earlier in the rebuild is added to, as the live sink adds; an empty table is loaded without its
 * indexes) and writes each key's version and name, with the checkpoint, in one transaction.
 * Buckets past their retention are never written, as live. Summing minutes first and rolling up
 * once is what keeps this cheap: a day of one key is at most 1,440 minutes, however many events
 * carried them.
 */
export class KeyVerificationsBulkRebuild implements BulkRebuild<KeyVerificationsDocument> {
  readonly name = keyVerificationsProjection.name;
  readonly projection = keyVerificationsProjection;
  /** Per key (stream id): per minute, the answers by code not yet written. */
  private readonly minutes = new Map<string, MinuteSums>();
  private pendingMinutes = 0;

  constructor(
    private readonly sql: SqlClient,
    private readonly now: number,
  ) {}

  async load(streamIds: readonly string[]): Promise<Map<string, KeyVerificationsDocument>> {
    const keys = streamIds.flatMap((id) => parseKeyStreamId(id) ?? []);
    const r = await this.sql.query<{ tenant: string; key_id: string; version: number; name: string | null }>(
      `SELECT k.tenant, k.key_id, k.version, k.name FROM key_verification_keys k
       JOIN unnest($1::text[], $2::text[]) AS s(tenant, key_id) ON k.tenant = s.tenant AND k.key_id = s.key_id`,
      [keys.map((k) => k.tenant), keys.map((k) => k.keyId)],
    );
    return new Map(
      r.rows.map((row) => [`${row.tenant}/${row.key_id}`, { tenant: row.tenant, keyId: row.key_id, name: row.name, version: row.version, added: [] }]),
    );
  }

  settle(streamId: string, document: KeyVerificationsDocument): KeyVerificationsDocument {
    if (document.added.length === 0) return document;
    let sums = this.minutes.get(streamId);
    if (!sums) {
      sums = new Map();
      this.minutes.set(streamId, sums);
    }
    this.pendingMinutes += addMinutes(sums, document.added);
    return { ...document, added: [] };
  }

  pending(): number {
    return this.pendingMinutes;
  }

  async flush(changes: readonly KeyChange<KeyVerificationsDocument>[], position: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const chunk of chunksOf(changes, REBUILD_ROWS_PER_STATEMENT))
        await tx.query(
          `INSERT INTO key_verification_keys (tenant, key_id, version, name)
           SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[])
           ON CONFLICT (tenant, key_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name`,
          [chunk.map((c) => c.document.tenant), chunk.map((c) => c.document.keyId), chunk.map((c) => c.document.version), chunk.map((c) => c.document.name)],
        );
      // Self-exclusive, readers unaffected: nothing may fill the table between the look and the load.
      await tx.query('LOCK TABLE key_verification_buckets IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await tx.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM key_verification_buckets) AS empty');
      const load = rows[0].empty;
      // An empty table (a replay's first write) is loaded without its indexes, which are built once
      // its rows are in: sorting the rows once costs about half of maintaining three B-trees row by
      // row. Plain INSERT then: each key's counters are summed once, so no row comes twice.
      if (load) {
        // Enough for a day of 10,000 keys to be sorted in memory rather than in temporary files;
        // the server may also give the builds its parallel maintenance workers.
        await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
        await tx.query(`ALTER TABLE key_verification_buckets DROP CONSTRAINT ${KEY_VERIFICATION_BUCKETS_PKEY}`);
        for (const index of KEY_VERIFICATION_BUCKETS_INDEXES) await tx.query(`DROP INDEX ${index.name}`);
      }
      const insert = `INSERT INTO key_verification_buckets (tenant, key_id, granularity, bucket_start, code, count)
           SELECT t, k, g, to_timestamp(s / 1000.0), c, n
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[]) AS u(t, k, g, s, c, n)`;
      const statement = load
        ? insert
        : `${insert}
           ON CONFLICT ${KEY_VERIFICATION_BUCKETS_KEY_COLUMNS}
           DO UPDATE SET count = key_verification_buckets.count + EXCLUDED.count`;
      // The next statement's rows are rolled up while PostgreSQL writes the previous one's. Loading,
      // COPY where the client speaks it: its text costs less to make and to parse than six arrays.
      const copy = load ? tx.copyFrom?.bind(tx) : undefined;
      const texts: CopyTexts = { instants: new Map(), codes: new Map() };
      let writing: Promise<unknown> = Promise.resolve();
      for (const chunk of this.takeCounters(REBUILD_ROWS_PER_STATEMENT * 4)) {
        const text = copy ? copyText(chunk, texts) : '';
        await writing;
        writing = copy ? copy(COPY_BUCKETS, text) : tx.query(statement, chunk);
        writing.catch(() => undefined);
      }
      await writing;
      if (load) {
        await tx.query(`ALTER TABLE key_verification_buckets ADD CONSTRAINT ${KEY_VERIFICATION_BUCKETS_PKEY} PRIMARY KEY ${KEY_VERIFICATION_BUCKETS_KEY_COLUMNS}`);
        for (const index of KEY_VERIFICATION_BUCKETS_INDEXES) await tx.query(`CREATE INDEX ${index.name} ON key_verification_buckets ${index.columns}`);
      }
      await writeCheckpoint(tx, this.name, position);
    });
  }

  /**
   * The counters set aside, rolled up and past-retention ones left out, as statement parameters of
   * at most `size` rows; emptied as it goes. Keys in (tenant, id) order and each key's counters in
   * the primary key's order: an emptied table's primary key is then built from presorted rows,
   * which takes about half the time.
   */
  private *takeCounters(size: number): Generator<[string[], string[], string[], number[], string[], number[]]> {
    const keys: Array<{ tenant: string; keyId: string; streamId: string }> = [];
    for (const streamId of this.minutes.keys()) {
      const key = parseKeyStreamId(streamId);
      if (key) keys.push({ ...key, streamId });
    }
    keys.sort((a, b) => (a.tenant === b.tenant ? (a.keyId < b.keyId ? -1 : 1) : a.tenant < b.tenant ? -1 : 1));
    let columns: [string[], string[], string[], number[], string[], number[]] = [[], [], [], [], [], []];
    for (const key of keys) {
      const sums = this.minutes.get(key.streamId) as MinuteSums;
      this.minutes.delete(key.streamId);
      forEachRolledUp(sums, (granularity, start, code, count) => {
        if (expired(granularity, start, this.now)) return;
        columns[0].push(key.tenant);
        columns[1].push(key.keyId);
        columns[2].push(granularity);
        columns[3].push(start);
        columns[4].push(code);
        columns[5].push(count);
      });
      if (columns[0].length >= size) {
        yield columns;
        columns = [[], [], [], [], [], []];
      }
    }
    this.minutes.clear();
    this.pendingMinutes = 0;
    if (columns[0].length > 0) yield columns;
  }
}

const COPY_BUCKETS = 'COPY key_verification_buckets (tenant, key_id, granularity, bucket_start, code, count) FROM STDIN';

const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A text value as COPY's text format reads it back unchanged. */
function copyValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : value;
}

/**
 * Counter rows in COPY's text format. `texts` keeps the text of each bucket start (ISO) and code,
 * shared by many rows; a key's rows come together, so its prefix is made once.
 */
function copyText(columns: readonly [string[], string[], string[], number[], string[], number[]], texts: CopyTexts): string {
  const [tenants, keyIds, granularities, starts, codes, counts] = columns;
  let text = '';
  let tenant: string | undefined;
  let keyId: string | undefined;
  let prefix = '';
  for (let i = 0; i < tenants.length; i++) {
    if (tenants[i] !== tenant || keyIds[i] !== keyId) {
      tenant = tenants[i];
      keyId = keyIds[i];
      prefix = `${copyValue(tenant)}\t${copyValue(keyId)}\t`;
    }
    let instant = texts.instants.get(starts[i]);
    if (instant === undefined) {
      instant = new Date(starts[i]).toISOString();
      texts.instants.set(starts[i], instant);
    }
    let code = texts.codes.get(codes[i]);
    if (code === undefined) {
      code = copyValue(codes[i]);
      texts.codes.set(codes[i], code);
    }
    text += `${prefix}${granularities[i]}\t${instant}\t${code}\t${counts[i]}\n`;
  }
  return text;
}

interface CopyTexts {
  readonly instants: Map<number, string>;
  readonly codes: Map<string, string>;
}
