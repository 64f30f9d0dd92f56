import { MinuteOutcomes, RecordedKeyEvent } from '@key-service/events';
import { KeyProjection, Versioned } from '../key-projection';

/**
 * What a batch of one key's events adds to the verification analytics: the key's name (for the
 * top-keys lists) and the per-minute answers of its KeyUsed events, not yet rolled up. The store
 * keeps only `version` and `name`; `added` is what it adds to the counters.
 */
export interface KeyVerificationsDocument extends Versioned {
  readonly tenant: string;
  readonly keyId: string;
  readonly name: string | null;
  readonly added: readonly MinuteOutcomes[];
}

function evolve(current: KeyVerificationsDocument | null, event: RecordedKeyEvent): KeyVerificationsDocument {
  const doc = current ?? { tenant: event.tenant, keyId: event.keyId, name: null, added: [], version: 0 };
  switch (event.type) {
    case 'KeyCreated':
      return { ...doc, name: event.data.name, version: event.version };
    case 'KeyUpdated':
      return { ...doc, name: event.data.name ?? doc.name, version: event.version };
    case 'KeyUsed':
      return { ...doc, added: doc.added.concat(event.data.outcomes), version: event.version };
    default:
      return { ...doc, version: event.version };
  }
}

export const keyVerificationsProjection: KeyProjection<KeyVerificationsDocument> = { name: 'key-verifications', evolve };
