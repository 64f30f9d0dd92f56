import { API_KEY_STATE_VERSION } from '@keys/domain';
import { KEY_EVENT_SCHEMA_VERSION } from '@key-service/events';

/**
 * Names what a key's snapshot holds: the aggregate's state (ApiKeyState) and nothing derived from
 * it, so a change to a read model never needs a new name: commands derive the documents they write
 * from the state (`validationViewOf`, `detailsOf`). The name follows the state's version and every
 * event's schema version by itself; snapshots under any other name (older code, or the
 * `api-key:1` ones that also carried read-model documents) are never read.
 */
export const KEY_SNAPSHOT_SCHEMA = `api-key-state:${API_KEY_STATE_VERSION};events:${Object.entries(KEY_EVENT_SCHEMA_VERSION)
  .map(([type, version]) => `${type}@${version}`)
  .join(',')}`;

/**
 * A snapshot is taken once a command leaves this many events after the last one. Hot keys get a
 * KeyUsed per instance per usage window; without snapshots every command on them (a revoke too)
 * would read and fold their whole usage history: 45 ms at 10,000 events, 0.5 s at 100,000
 * (measured on this machine).
 */
export const SNAPSHOT_EVERY = 64;
