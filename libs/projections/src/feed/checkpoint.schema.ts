import { SqlQueryable } from '@keys/event-store';

export const CHECKPOINT_SCHEMA = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name        TEXT PRIMARY KEY,
  position    BIGINT NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
`;

/** A read model's stored position; 0 when it has none yet. */
export async function readCheckpoint(sql: SqlQueryable, name: string): Promise<number> {
  const r = await sql.query<{ position: string | number }>('SELECT position FROM projection_checkpoints WHERE name = $1', [name]);
  return Number(r.rows[0]?.position ?? 0);
}

/** Stores a read model's position; called inside the transaction that wrote what it covers. */
export async function writeCheckpoint(tx: SqlQueryable, name: string, position: number): Promise<void> {
  await tx.query(
    `INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [name, position],
  );
}
