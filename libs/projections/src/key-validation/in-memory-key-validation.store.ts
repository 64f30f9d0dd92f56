import { RecordedKeyEvent } from '@keys/domain';
import { foldKeyEvents, groupByKey } from '../key-projection';
import { keyValidationProjection } from './key-validation.projection';
import { KeyValidationStore } from './key-validation.store';
import { droppedHashes, KeyValidationView, validationRecords, ValidationRecord } from './key-validation.view';

/**
 * The embedded mode's validation model: a map in this process, rebuilt from the event store at
 * start (its checkpoint is not persisted, so it replays from 0 each time).
 */
export class InMemoryKeyValidationStore implements KeyValidationStore {
  readonly name = keyValidationProjection.name;
  private readonly views = new Map<string, KeyValidationView>();
  private readonly byHash = new Map<string, ValidationRecord>();
  private position = 0;

  async checkpoint(): Promise<number> {
    return this.position;
  }

  async handle(events: readonly RecordedKeyEvent[], checkpoint?: number): Promise<void> {
    for (const [keyId, keyEvents] of groupByKey(events)) {
      const before = this.views.get(keyId) ?? null;
      const { document, applied } = foldKeyEvents(keyValidationProjection, before, keyEvents);
      if (applied === 0) continue;
      for (const hash of droppedHashes(before, document)) this.byHash.delete(hash);
      if (document) {
        this.views.set(keyId, document);
        for (const [hash, record] of validationRecords(document)) this.byHash.set(hash, record);
      }
    }
    if (checkpoint !== undefined) this.position = checkpoint;
  }

  async lookup(hash: string): Promise<ValidationRecord | null> {
    return this.byHash.get(hash) ?? null;
  }

  async reset(): Promise<void> {
    this.views.clear();
    this.byHash.clear();
    this.position = 0;
  }
}
