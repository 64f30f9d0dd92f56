import { randomUUID } from 'node:crypto';
import { KEY_EVENT_SCHEMA_VERSION, KeyEvent, keyStreamId } from '@key-service/events';
import { AppendOptions, EventStore, NewEvent, StoredEvent, WrongExpectedVersionError } from '@keys/event-store';
import { CommandContext } from './command-context';
import { KeyRepository } from './key.repository';
import { PlannedChange } from './read-model-sync.port';
import { KeyVaultPgStore } from './vault/key-vault.pg-store';

const CONTEXT: CommandContext = { principal: { actor: { type: 'root', id: 'root' }, tenant: null, roles: [], isRoot: true }, correlationId: 'c' };
const ADDRESS = { tenant: 'acme', keyId: 'key-1' };
const STREAM = keyStreamId(ADDRESS.tenant, ADDRESS.keyId);

const CREATED: KeyEvent = {
  type: 'KeyCreated',
  data: {
    keyId: 'key-1',
    tenant: 'acme',
    name: 'svc',
    description: null,
    hash: 'hash-1',
    hashAlgorithm: 'hmac-sha256',
    prefix: 'sk',
    start: 'sk_…abcd',
    roles: ['read'],
    owner: null,
    environment: null,
    expiresAt: null,
    annotations: {},
    rateLimit: null,
    quota: null,
    allowedIps: null,
    permissions: [],
  },
};
const USED: KeyEvent = {
  type: 'KeyUsed',
  data: { count: 1, firstUsedAt: new Date().toISOString(), lastUsedAt: new Date().toISOString(), outcomes: [] },
};

/** A one-stream store in memory whose first append loses to another writer's KeyUsed. */
class RacedStore {
  readonly events: StoredEvent[] = [];
  readonly appends: Array<AppendOptions | undefined> = [];
  private raced = false;

  constructor(first: KeyEvent) {
    this.push(first);
  }

  private push(event: KeyEvent | NewEvent): number {
    const position = this.events.length + 1;
    this.events.push({
      eventId: randomUUID(),
      streamId: STREAM,
      tenant: ADDRESS.tenant,
      type: event.type,
      version: this.events.length + 1,
      position,
      occurredAt: new Date().toISOString(),
      actor: { type: 'root', id: 'root' },
      correlationId: 'c',
      schemaVersion: KEY_EVENT_SCHEMA_VERSION[event.type as KeyEvent['type']],
      data: event.data as Record<string, unknown>,
    });
    return position;
  }

  async readStreamTail() {
    return { snapshot: null, events: [...this.events] };
  }

  async appendToStream(streamId: string, tenant: string, expectedVersion: number, events: readonly NewEvent[], options?: AppendOptions) {
    this.appends.push(options);
    if (!this.raced) {
      this.raced = true;
      this.push(USED);
      throw new WrongExpectedVersionError(streamId, expectedVersion, this.events.length);
    }
    return { nextVersion: expectedVersion + events.length, positions: events.map((e) => this.push(e)) };
  }
}

describe('KeyRepository: the rows that ride in the append', () => {
  it('asks for them on each attempt, with the decision of that attempt, and appends the last ones', async () => {
    const store = new RacedStore(CREATED);
    const planned: PlannedChange[] = [];
    const sync = {
      rowsWithAppend: (change: PlannedChange) => {
        const attempt = planned.push(change);
        return { select: () => `rows of attempt ${attempt}` };
      },
    };
    const repository = new KeyRepository(store as unknown as EventStore, {} as KeyVaultPgStore, sync);
    const change = await repository.execute(ADDRESS, ({ key }) => key.revoke('leaked'), CONTEXT);

    // The first decision was on version 1; the retry decided again on version 2 (after the KeyUsed).
    expect(planned.map((p) => [p.events.map((e) => e.type), p.after.version, p.after.state.status])).toEqual([
      [['KeyRevoked'], 2, 'REVOKED'],
      [['KeyRevoked'], 3, 'REVOKED'],
    ]);
    expect(store.appends.map((o) => o?.alongside?.select(() => '', ''))).toEqual(['rows of attempt 1', 'rows of attempt 2']);
    // The change answered is the appended one, with the rows written.
    expect(change.rowsAppended).toBe(true);
    expect(change.after.version).toBe(3);
    expect(change.after.snapshot).toEqual(planned[1].after.snapshot);
    expect(change.recorded.map((e) => [e.type, e.version, e.position])).toEqual([['KeyRevoked', 3, 3]]);
  });

  it('says nothing rode in the append when the read models add nothing to it', async () => {
    const store = new RacedStore(CREATED);
    const repository = new KeyRepository(store as unknown as EventStore, {} as KeyVaultPgStore, { rowsWithAppend: () => undefined });
    const change = await repository.execute(ADDRESS, ({ key }) => key.revoke(null), CONTEXT);
    expect(change.rowsAppended).toBe(false);
    expect(store.appends.map((o) => o?.alongside)).toEqual([undefined, undefined]);
  });
});
