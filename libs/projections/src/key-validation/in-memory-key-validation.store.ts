import { RecordedKeyEvent } from '@key-service/events';
import { ImportedHashIndex } from './imported-hash.index';
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
  /** What the verifier checks before it looks an imported key's hash up here. */
  readonly imported = new ImportedHashIndex();
  private position = 0;

  async checkpoint(): Promise<number> {
    return this.position;
  }

  async handle(events: readonly RecordedKeyEvent[], checkpoint?: number): Promise<void> {
    for (const [keyId, keyEvents] of groupByKey(events)) {
      const before = this.views.get(keyId) ?? null;
      const { document, applied } = foldKeyEvents(keyValidationProjection, before, keyEvents);
      if (applied === 0) continue;
      const dropped = droppedHashes(before, document);
      for (const hash of dropped) this.byHash.delete(hash);
      this.imported.forget(dropped);
      if (document) {
        this.views.set(keyId, document);
        const records = validationRecords(document);
        for (const [hash, record] of records) this.byHash.set(hash, record);
        this.imported.note(records.map(([hash]) => hash));
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
    this.imported.clear();
    this.position = 0;
  }
}
