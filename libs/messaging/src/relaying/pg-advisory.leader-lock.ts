import { Client } from 'pg';

export interface PgConnectionOptions {
  readonly connectionString: string;
  /** Schema first on the search path (tests isolate themselves per schema). */
  readonly schema?: string;
}

export interface PgAdvisoryLeaderLockOptions extends PgConnectionOptions {
  /** What is led, e.g. the relay's name; replicas using the same name and schema compete. */
  readonly name: string;
  /** Shown in pg_stat_activity, so an operator can tell which replica leads. */
  readonly applicationName: string;
}

/** Class id of the two-key advisory lock space used for leadership; the objid is per name and schema. */
const LEADER_LOCK_CLASS = 7_316_002;

/**
 * Leadership by a session-level PostgreSQL advisory lock on a dedicated connection. The lock lives
 * exactly as long as the session: when the leader's process or connection dies, PostgreSQL releases
 * it and another replica's next attempt wins. Writes that must stop the moment leadership ends
 * (the relay's checkpoint) go through `query`, on that same session, so a deposed leader cannot
 * make them.
 */
export class PgAdvisoryLeaderLock {
  private client: Client | null = null;
  private holding = false;

  constructor(private readonly options: PgAdvisoryLeaderLockOptions) {}

  get held(): boolean {
    return this.holding;
  }

  /** Connects if needed and tries once; true while this process leads. */
  async tryAcquire(): Promise<boolean> {
    if (this.holding) return true;
    const client = this.client ?? (await this.connect());
    const result = await client.query<{ acquired: boolean }>(
      `SELECT pg_try_advisory_lock($1, hashtext(current_schema() || ':' || $2)) AS acquired`,
      [LEADER_LOCK_CLASS, this.options.name],
    );
    // The connection may have died while the query was in flight; only a live session holds a lock.
    this.holding = result.rows[0]?.acquired === true && this.client === client;
    return this.holding;
  }

  /** Runs a statement on the leader's session; refuses once leadership is lost. */
  async query<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const client = this.client;
    if (!this.holding || !client) throw new Error(`Leadership of '${this.options.name}' is not held`);
    return (await client.query<Row>(sql, params)).rows;
  }

  /**
   * LISTENs on the leader's session to the channel `channelSql` names there; `onPayload` gets
   * each notification's payload. Call again after each acquisition: a new session listens to
   * nothing. Returns the channel's name (for UNLISTEN and LISTEN again through `query`).
   */
  async listen(channelSql: string, onPayload: (payload: string) => void): Promise<string> {
    const client = this.client;
    if (!this.holding || !client) throw new Error(`Leadership of '${this.options.name}' is not held`);
    const { rows } = await client.query<{ channel: string }>(`SELECT ${channelSql} AS channel`);
    const channel = rows[0].channel;
    client.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    return channel;
  }

  /** Gives up leadership and closes the session. */
  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.holding = false;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName.slice(0, 63),
      keepAlive: true,
      ...(this.options.schema ? { options: `-c search_path=${this.options.schema}` } : {}),
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      this.holding = false;
    };
    // A terminated backend or a broken socket surfaces as 'error' and/or 'end'; either ends leadership.
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }
}
