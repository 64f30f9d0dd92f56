import { migrate, SqlClient, SqlQueryable } from '@keys/event-store';
import { SealedSecret } from '@keys/secrets';
import { KEY_VAULT_SCHEMA } from './key-vault.schema';

interface VaultRow {
  stream_id: string;
  kek_id: string;
  wrapped_key: Uint8Array;
  ciphertext: Uint8Array;
}

/** A page of the vault wrapped by another KEK than the current one, for a re-wrap. */
export interface VaultEntry {
  readonly streamId: string;
  readonly sealed: SealedSecret;
}

function sealedOf(row: VaultRow): SealedSecret {
  // pg answers BYTEA as Buffer, PGlite as Uint8Array.
  return { kekId: row.kek_id, wrappedKey: Buffer.from(row.wrapped_key), ciphertext: Buffer.from(row.ciphertext) };
}

/**
 * The vault table on PostgreSQL or PGlite. Writes take the transaction of the append they belong
 * to (EventStore's `within`), so a sealed secret exists exactly while the log says the key's
 * current secret is recoverable.
 */
export class KeyVaultPgStore {
  constructor(private readonly sql: SqlClient) {}

  async init(): Promise<void> {
    await migrate(this.sql, KEY_VAULT_SCHEMA);
  }

  /** Keeps `sealed` as the key's secret, replacing the one a rotation retired. */
  async put(tx: SqlQueryable, streamId: string, keyVersion: number, sealed: SealedSecret): Promise<void> {
    await tx.query(
      `INSERT INTO key_vault (stream_id, key_version, kek_id, wrapped_key, ciphertext) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (stream_id) DO UPDATE SET key_version = excluded.key_version, kek_id = excluded.kek_id,
         wrapped_key = excluded.wrapped_key, ciphertext = excluded.ciphertext, sealed_at = now()`,
      [streamId, keyVersion, sealed.kekId, sealed.wrappedKey, sealed.ciphertext],
    );
  }

  /** Destroys the key's sealed secret (a revoke, or a rotation to a secret that is not recoverable). */
  async remove(tx: SqlQueryable, streamId: string): Promise<void> {
    await tx.query('DELETE FROM key_vault WHERE stream_id = $1', [streamId]);
  }

  async read(tx: SqlQueryable, streamId: string): Promise<SealedSecret | null> {
    const { rows } = await tx.query<VaultRow>('SELECT stream_id, kek_id, wrapped_key, ciphertext FROM key_vault WHERE stream_id = $1', [streamId]);
    return rows.length === 0 ? null : sealedOf(rows[0]);
  }

  /** Up to `limit` entries not wrapped by `currentKekId`, after `afterStreamId`, in stream order. */
  async notWrappedBy(currentKekId: string, afterStreamId: string, limit: number): Promise<VaultEntry[]> {
    const { rows } = await this.sql.query<VaultRow>(
      `SELECT stream_id, kek_id, wrapped_key, ciphertext FROM key_vault
       WHERE kek_id <> $1 AND stream_id > $2 ORDER BY stream_id LIMIT $3`,
      [currentKekId, afterStreamId, limit],
    );
    return rows.map((row) => ({ streamId: row.stream_id, sealed: sealedOf(row) }));
  }

  /**
   * Replaces the wrapping of the entry only if it is still the one that was re-wrapped: a revoke
   * or a rotation that got there first wins (false).
   */
  async replaceWrapping(streamId: string, from: SealedSecret, to: SealedSecret): Promise<boolean> {
    const { rows } = await this.sql.query(
      `UPDATE key_vault SET kek_id = $3, wrapped_key = $4 WHERE stream_id = $1 AND kek_id = $2 AND wrapped_key = $5 RETURNING stream_id`,
      [streamId, from.kekId, to.kekId, to.wrappedKey, from.wrappedKey],
    );
    return rows.length === 1;
  }

  /** How many sealed secrets each KEK wraps: what a re-wrap reports. */
  async countByKek(): Promise<Record<string, number>> {
    const { rows } = await this.sql.query<{ kek_id: string; n: string | number }>('SELECT kek_id, count(*) AS n FROM key_vault GROUP BY kek_id');
    return Object.fromEntries(rows.map((r) => [r.kek_id, Number(r.n)]));
  }
}
