/**
 * The vault: one row per recoverable key, its current secret sealed (envelope encryption,
 * docs/security.md). Outside the event log on purpose: a row is written in the transaction of the
 * KeyCreated / KeyRotated that issued the secret, and deleted in the transaction of the KeyRotated
 * that replaced it or of the KeyRevoked that ended the key. Deleting it destroys the secret for
 * good (crypto-shredding): no event, snapshot or read model holds it, so no replay restores it.
 * `kek_id` names the key-encryption key that wrapped `wrapped_key`; the index finds what a re-wrap
 * has left to do.
 */
export const KEY_VAULT_SCHEMA = `
CREATE TABLE IF NOT EXISTS key_vault (
  stream_id    TEXT PRIMARY KEY,
  key_version  INTEGER NOT NULL,
  kek_id       TEXT NOT NULL,
  wrapped_key  BYTEA NOT NULL,
  ciphertext   BYTEA NOT NULL,
  sealed_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS key_vault_kek ON key_vault (kek_id, stream_id);
`;
