import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent } from './event-store.port';
import { SqlClient } from './sql-client';
import { WrongExpectedVersionError } from './wrong-expected-version.error';

export const newEvent = (type: string, data: object = {}): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  actor: { type: 'root', id: 'root' },
  correlationId: randomUUID(),
});

export interface ContractSubject {
  store: EventStore;
  sql: SqlClient;
}

async function readEverything(store: EventStore, after = 0) {
  const all = [];
  let cursor = after;
  for (;;) {
    const batch = await store.readAll({ after: cursor, limit: 7 });
    if (batch.length === 0) return all;
    all.push(...batch);
    cursor = batch[batch.length - 1].position;
  }
}

/**
 * The guarantees every EventStore adapter keeps, run against each real database it supports
 * (PostgreSQL and PGlite), so the embedded mode cannot drift from the distributed one.
 */
export function eventStoreContract(name: string, setup: () => Promise<ContractSubject & { teardown: () => Promise<void> }>) {
  describe(`${name} event store contract`, () => {
    let subject: ContractSubject & { teardown: () => Promise<void> };
    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => subject.teardown());

    it('starts many streams in one call, in the given order, skipping those that exist or repeat', async () => {
      const existing = `key-${randomUUID()}`;
      await subject.store.appendToStream(existing, 'acme', 0, [newEvent('KeyCreated', { name: 'old' }), newEvent('KeyUpdated', { name: 'older' })]);
      const [a, b] = [`key-${randomUUID()}`, `key-${randomUUID()}`];
      const started = await subject.store.startStreams([
        { streamId: a, tenant: 'acme', event: newEvent('KeyCreated', { name: 'a' }) },
        { streamId: existing, tenant: 'acme', event: newEvent('KeyCreated', { name: 'clash' }) },
        { streamId: b, tenant: 'other', event: newEvent('KeyCreated', { name: 'b' }) },
        { streamId: a, tenant: 'acme', event: newEvent('KeyCreated', { name: 'a again' }) },
      ]);
      expect(started.map((s) => [s.streamId, s.position === null])).toEqual([[a, false], [existing, true], [b, false], [a, true]]);
      expect(started[2].position).toBeGreaterThan(started[0].position as number);
      const streamA = await subject.store.readStream(a);
      expect(streamA.map((e) => [e.version, e.tenant, e.data.name, e.position])).toEqual([[1, 'acme', 'a', started[0].position]]);
      expect((await subject.store.readStream(b))[0].tenant).toBe('other');
      // The existing stream is untouched: no event of the batch landed in it.
      expect((await subject.store.readStream(existing)).map((e) => e.data.name)).toEqual(['old', 'older']);
      // And the feed carries the started streams like any append.
      const fed = (await readEverything(subject.store)).filter((e) => e.streamId === a || e.streamId === b);
      expect(fed.map((e) => e.streamId)).toEqual([a, b]);
    });

    it('starts nothing for an empty batch', async () => {
      expect(await subject.store.startStreams([])).toEqual([]);
    });

    it('appends to a new stream and reads it back in version order with the envelope', async () => {
      const stream = `key-${randomUUID()}`;
      const first = newEvent('KeyCreated', { name: 'a' });
      const result = await subject.store.appendToStream(stream, 'acme', 0, [first, newEvent('KeyUpdated', { name: 'b' })]);
      expect(result.nextVersion).toBe(2);
      expect(result.positions).toHaveLength(2);
      expect(result.positions[1]).toBeGreaterThan(result.positions[0]);

      const events = await subject.store.readStream(stream);
      expect(events.map((e) => [e.type, e.version])).toEqual([
        ['KeyCreated', 1],
        ['KeyUpdated', 2],
      ]);
      expect(events[0]).toEqual({
        eventId: first.eventId,
        streamId: stream,
        tenant: 'acme',
        type: 'KeyCreated',
        version: 1,
        position: result.positions[0],
        occurredAt: first.occurredAt,
        actor: { type: 'root', id: 'root' },
        correlationId: first.correlationId,
        schemaVersion: 1,
        data: { name: 'a' },
      });
    });

    it('reads a window of a stream by version, so a long history can be paged', async () => {
      const stream = `key-${randomUUID()}`;
      await subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated'), ...Array.from({ length: 6 }, (_, i) => newEvent('KeyUsed', { i }))]);
      const whole = await subject.store.readStream(stream);
      expect(whole.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(await subject.store.readStream(stream, { limit: 3 })).toEqual(whole.slice(0, 3));
      expect(await subject.store.readStream(stream, { afterVersion: 3, limit: 3 })).toEqual(whole.slice(3, 6));
      expect(await subject.store.readStream(stream, { afterVersion: 6, limit: 3 })).toEqual(whole.slice(6));
      expect(await subject.store.readStream(stream, { afterVersion: 7 })).toEqual([]);
      expect(await subject.store.readStream(stream, { afterVersion: 2 })).toEqual(whole.slice(2));
    });

    it('reads a stream from its newest snapshot under the schema asked for, and the events after it', async () => {
      const stream = `key-${randomUUID()}`;
      await subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated', { n: 1 }), newEvent('KeyUpdated', { n: 2 }), newEvent('KeyUpdated', { n: 3 })]);
      const without = await subject.store.readStreamTail(stream, 'fold:1');
      expect(without.snapshot).toBeNull();
      expect(without.events).toEqual(await subject.store.readStream(stream));

      await subject.store.saveSnapshot(stream, 'fold:1', { version: 2, state: { sum: 3, nested: { list: [1, 2] } } });
      const tail = await subject.store.readStreamTail(stream, 'fold:1');
      expect(tail.snapshot).toEqual({ version: 2, state: { sum: 3, nested: { list: [1, 2] } } });
      expect(tail.events).toEqual((await subject.store.readStream(stream)).slice(2));

      // Other folding code does not see it; an up-to-date snapshot leaves no events to read.
      expect((await subject.store.readStreamTail(stream, 'fold:2')).snapshot).toBeNull();
      await subject.store.saveSnapshot(stream, 'fold:1', { version: 3, state: { sum: 6 } });
      expect(await subject.store.readStreamTail(stream, 'fold:1')).toEqual({ snapshot: { version: 3, state: { sum: 6 } }, events: [] });
    });

    it('never lets an older snapshot replace a newer one, whichever writer comes last', async () => {
      const stream = `key-${randomUUID()}`;
      await subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated'), newEvent('KeyUpdated'), newEvent('KeyUpdated')]);
      await subject.store.saveSnapshot(stream, 'fold:1', { version: 3, state: { at: 3 } });
      await subject.store.saveSnapshot(stream, 'fold:1', { version: 2, state: { at: 2 } });
      expect((await subject.store.readStreamTail(stream, 'fold:1')).snapshot).toEqual({ version: 3, state: { at: 3 } });
    });

    it('rejects an append whose expected version is stale, and stores nothing of it', async () => {
      const stream = `key-${randomUUID()}`;
      await subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated')]);
      await expect(subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated')])).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      await expect(subject.store.appendToStream(stream, 'acme', 5, [newEvent('KeyUpdated')])).rejects.toThrow(
        `Stream '${stream}' is at version 1, expected 5`,
      );
      expect(await subject.store.readStream(stream)).toHaveLength(1);
    });

    it('commits writes made within an append with it, and rolls both back when either fails', async () => {
      await subject.sql.exec('CREATE TABLE IF NOT EXISTS contract_companions (stream_id TEXT PRIMARY KEY)');
      const stream = `key-${randomUUID()}`;
      const companion = (id: string) => async (tx: { query: (sql: string, params?: unknown[]) => Promise<unknown> }) => {
        await tx.query('INSERT INTO contract_companions (stream_id) VALUES ($1)', [id]);
      };
      const companions = async (id: string) =>
        (await subject.sql.query('SELECT stream_id FROM contract_companions WHERE stream_id = $1', [id])).rows.length;
      await subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated')], { within: companion(stream) });
      expect(await companions(stream)).toBe(1);
      // A stale append writes no companion either.
      await expect(subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated')], { within: companion(`${stream}-stale`) })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      expect(await companions(`${stream}-stale`)).toBe(0);
      // A companion that fails takes the append with it.
      await expect(
        subject.store.appendToStream(stream, 'acme', 1, [newEvent('KeyRevoked')], {
          within: async () => {
            throw new Error('companion failed');
          },
        }),
      ).rejects.toThrow('companion failed');
      expect((await subject.store.readStream(stream)).map((e) => e.type)).toEqual(['KeyCreated']);
      // startStreams tells its companion which streams it started.
      const [fresh, again] = [`key-${randomUUID()}`, stream];
      let seen: Array<string> = [];
      await subject.store.startStreams(
        [
          { streamId: fresh, tenant: 'acme', event: newEvent('KeyCreated') },
          { streamId: again, tenant: 'acme', event: newEvent('KeyCreated') },
        ],
        {
          within: async (tx, started) => {
            seen = started.filter((s) => s.position !== null).map((s) => s.streamId);
            for (const id of seen) await companion(`${id}-batch`)(tx);
          },
        },
      );
      expect(seen).toEqual([fresh]);
      expect(await companions(`${fresh}-batch`)).toBe(1);
    });

    it("runs the work alongside an append in its statement, once, only when it appends, with the events' positions", async () => {
      await subject.sql.exec(`
        CREATE TABLE IF NOT EXISTS contract_alongside (stream_id TEXT NOT NULL, positions BIGINT[] NOT NULL, note TEXT NOT NULL);
        CREATE OR REPLACE FUNCTION contract_alongside_note(p_stream TEXT, p_positions BIGINT[], p_note TEXT) RETURNS BOOLEAN
          LANGUAGE plpgsql AS $$ BEGIN INSERT INTO contract_alongside VALUES (p_stream, p_positions, p_note); RETURN TRUE; END $$;
        CREATE OR REPLACE FUNCTION contract_alongside_fail() RETURNS BOOLEAN
          LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'alongside failed'; END $$;`);
      const note = (stream: string, text: string) => ({
        select: (param: (value: unknown, type: string) => string, positions: string) =>
          `contract_alongside_note(${param(stream, 'text')}, ${positions}, ${param(text, 'text')}) AS noted`,
      });
      const notes = async (stream: string) =>
        (await subject.sql.query<{ positions: Array<string | number>; note: string }>('SELECT positions, note FROM contract_alongside WHERE stream_id = $1', [stream])).rows.map(
          (r) => [r.positions.map(Number), r.note],
        );
      const stream = `key-${randomUUID()}`;
      const three = [newEvent('KeyCreated'), newEvent('KeyUpdated'), newEvent('KeyUpdated')];
      const { positions } = await subject.store.appendToStream(stream, 'acme', 0, three, { alongside: note(stream, 'created') });
      expect(await notes(stream)).toEqual([[[...positions], 'created']]);
      // A stale append runs none of it.
      await expect(subject.store.appendToStream(stream, 'acme', 1, [newEvent('KeyRevoked')], { alongside: note(stream, 'stale') })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      // Failing, it takes the append with it.
      await expect(
        subject.store.appendToStream(stream, 'acme', 3, [newEvent('KeyRevoked')], { alongside: { select: () => 'contract_alongside_fail()' } }),
      ).rejects.toThrow('alongside failed');
      expect(await subject.store.readStream(stream)).toHaveLength(3);
      // With work within the append's transaction as well, both commit with it.
      let within = false;
      const revoked = await subject.store.appendToStream(stream, 'acme', 3, [newEvent('KeyRevoked')], {
        alongside: note(stream, 'revoked'),
        within: async () => {
          within = true;
        },
      });
      expect(within).toBe(true);
      expect(await notes(stream)).toEqual([
        [[...positions], 'created'],
        [[...revoked.positions], 'revoked'],
      ]);
    });

    it('runs alongside writes as plain statements of the append: once each, only when it appends, with the positions, failing with it', async () => {
      await subject.sql.exec(`
        CREATE TABLE IF NOT EXISTS contract_alongside_rows (stream_id TEXT NOT NULL, positions BIGINT[] NOT NULL, note TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS contract_alongside_unique (stream_id TEXT PRIMARY KEY);`);
      const writes = (stream: string, text: string) => ({
        writes: (param: (value: unknown, type: string) => string) => {
          const id = param(stream, 'text');
          return [
            `INSERT INTO contract_alongside_rows SELECT ${id}, appended.positions, ${param(text, 'text')} FROM appended`,
            `INSERT INTO contract_alongside_unique SELECT ${id} || ':' || ${param(text, 'text')} FROM appended`,
          ];
        },
      });
      const rows = async (stream: string) =>
        (await subject.sql.query<{ positions: Array<string | number>; note: string }>('SELECT positions, note FROM contract_alongside_rows WHERE stream_id = $1', [stream])).rows.map(
          (r) => [r.positions.map(Number), r.note],
        );
      const stream = `key-${randomUUID()}`;
      const { positions } = await subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated'), newEvent('KeyUpdated')], { alongside: writes(stream, 'created') });
      expect(await rows(stream)).toEqual([[[...positions], 'created']]);
      // A stale append writes none of it.
      await expect(subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated')], { alongside: writes(stream, 'stale') })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      // A write that fails (the second's row exists) takes the append and the other write with it.
      await expect(subject.store.appendToStream(stream, 'acme', 2, [newEvent('KeyRevoked')], { alongside: writes(stream, 'created') })).rejects.toThrow(
        /contract_alongside_unique/,
      );
      expect(await subject.store.readStream(stream)).toHaveLength(2);
      expect(await rows(stream)).toEqual([[[...positions], 'created']]);
    });

    it('lets exactly one of many concurrent appends at the same expected version win', async () => {
      const stream = `key-${randomUUID()}`;
      await subject.store.appendToStream(stream, 'acme', 0, [newEvent('KeyCreated')]);
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => subject.store.appendToStream(stream, 'acme', 1, [newEvent('KeyUpdated', { i })])),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      for (const l of lost) expect((l as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
      expect((await subject.store.readStream(stream)).map((e) => e.version)).toEqual([1, 2]);
    });

    it('reads all streams by global position from a checkpoint, each event once', async () => {
      const head = await subject.store.headPosition();
      const streams = [`key-${randomUUID()}`, `key-${randomUUID()}`];
      await subject.store.appendToStream(streams[0], 'acme', 0, [newEvent('KeyCreated')]);
      await subject.store.appendToStream(streams[1], 'beta', 0, [newEvent('KeyCreated')]);
      await subject.store.appendToStream(streams[0], 'acme', 1, [newEvent('KeyRevoked')]);

      const after = (await readEverything(subject.store)).filter((e) => streams.includes(e.streamId));
      expect(after.map((e) => [e.streamId, e.type])).toEqual([
        [streams[0], 'KeyCreated'],
        [streams[1], 'KeyCreated'],
        [streams[0], 'KeyRevoked'],
      ]);
      // Rolled-back appends consume sequence values, so positions may have gaps: only order is promised.
      expect(after[0].position).toBeGreaterThan(head);
      expect(await subject.store.headPosition()).toBe(after[2].position);
      const fromMiddle = await readEverything(subject.store, after[1].position);
      expect(fromMiddle.map((e) => e.eventId)).toEqual([after[2].eventId]);
    });

    it('delivers every event to a reader polling while many writers append concurrently', async () => {
      const start = await readEverything(subject.store);
      const checkpoint = start.length ? start[start.length - 1].position : 0;
      const seen: string[] = [];
      let cursor = checkpoint;
      let writing = true;
      const reader = (async () => {
        while (writing || (await subject.store.readAll({ after: cursor, limit: 1 })).length) {
          const batch = await subject.store.readAll({ after: cursor, limit: 5 });
          for (const e of batch) seen.push(e.eventId);
          if (batch.length) cursor = batch[batch.length - 1].position;
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      const written = await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          const ids: string[] = [];
          const stream = `key-${randomUUID()}`;
          for (let v = 0; v < 15; v++) {
            const e = newEvent(v === 0 ? 'KeyCreated' : 'KeyUsed', { w, v });
            await subject.store.appendToStream(stream, 'acme', v, [e]);
            ids.push(e.eventId);
          }
          return ids;
        }),
      );
      writing = false;
      await reader;
      const expected = written.flat();
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual(expected.sort());
    });

    it('filters the log for audits by tenant, stream, type, actor and time', async () => {
      const stream = `key-${randomUUID()}`;
      const tenant = `t-${randomUUID()}`;
      await subject.store.appendToStream(stream, tenant, 0, [newEvent('KeyCreated'), newEvent('KeyRevoked')]);
      const byType = await subject.store.queryEvents({ tenant, type: 'KeyRevoked', limit: 10 });
      expect(byType.map((e) => e.streamId)).toEqual([stream]);
      const page1 = await subject.store.queryEvents({ tenant, limit: 1 });
      const page2 = await subject.store.queryEvents({ tenant, limit: 10, afterPosition: page1[0].position });
      expect([...page1, ...page2].map((e) => e.type)).toEqual(['KeyCreated', 'KeyRevoked']);
      expect(await subject.store.queryEvents({ tenant, actorId: 'nobody', limit: 10 })).toEqual([]);
      expect(await subject.store.queryEvents({ tenant, from: '2999-01-01T00:00:00Z', limit: 10 })).toEqual([]);
    });

    it("pages one stream's events by position, from its own cursor or any other event's", async () => {
      const tenant = `t-${randomUUID()}`;
      const [hot, other] = [`key-${randomUUID()}`, `key-${randomUUID()}`];
      // Interleaved with another stream, so positions and versions do not line up.
      for (let version = 0; version < 6; version++) {
        await subject.store.appendToStream(hot, tenant, version, [newEvent(version === 4 ? 'KeyRevoked' : 'KeyUsed')]);
        await subject.store.appendToStream(other, tenant, version, [newEvent('KeyUsed')]);
      }
      const all = await subject.store.queryEvents({ tenant, limit: 100 });
      const hotEvents = all.filter((e) => e.streamId === hot);

      const pages = [];
      let cursor: number | undefined;
      for (;;) {
        const page = await subject.store.queryEvents({ tenant, streamId: hot, afterPosition: cursor, limit: 4 });
        if (page.length === 0) break;
        pages.push(page.map((e) => e.version));
        cursor = page[page.length - 1].position;
      }
      expect(pages).toEqual([[1, 2, 3, 4], [5, 6]]);

      const afterForeign = all.find((e) => e.streamId === other && e.version === 3)!.position;
      expect(await subject.store.queryEvents({ tenant, streamId: hot, afterPosition: afterForeign, limit: 100 })).toEqual(
        hotEvents.filter((e) => e.position > afterForeign),
      );
      const revoked = await subject.store.queryEvents({ tenant, streamId: hot, type: 'KeyRevoked', afterPosition: hotEvents[1].position, limit: 10 });
      expect(revoked.map((e) => e.version)).toEqual([5]);
    });
  });
}
