/**
 * Last position each relay has published and the broker acknowledged. It lives in the event
 * store's database so it can be compared with the feed and read by any replica for /health.
 */
export const RELAY_CHECKPOINT_SCHEMA = `
CREATE TABLE IF NOT EXISTS relay_checkpoints (
  name        TEXT PRIMARY KEY,
  position    BIGINT NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
`;
