import { Versioned, KeyProjection } from '../key-projection';

/** One key's document as the model stores it (null: none yet) and as the fold left it. */
export interface KeyChange<D extends Versioned> {
  readonly streamId: string;
  readonly stored: D | null;
  readonly document: D;
}

/**
 * A read model's side of a bulk rebuild (rebuildReadModel drives it): the model's projection,
 * which the driver folds every key's events through in memory, and the few writes that turn the
 * folded documents into the model's rows. The projection stays the one pure function the live
 * sink uses, so a field an event gains reaches a rebuilt model without touching this.
 */
export interface BulkRebuild<D extends Versioned> {
  readonly name: string;
  readonly projection: KeyProjection<D>;
  /**
   * The documents the model holds for these keys (stream ids); keys it lacks are left out. Asked
   * only when a key may be in the model already: the model was not emptied first, or the driver
   * flushed that key out of memory earlier in this rebuild.
   */
  load(streamIds: readonly string[]): Promise<Map<string, D>>;
  /**
   * Called with each document after a page's events were folded into it: a model that
   * accumulates in its document what it writes elsewhere (the analytics' minutes) moves that
   * into its own pending writes here and returns the document to fold on from.
   */
  settle?(streamId: string, document: D): D;
  /** Rows `settle` set aside and not written yet, counted against the memory bound. */
  pending?(): number;
  /**
   * Writes every changed document (and what `settle` set aside) with multi-row statements, and
   * the model's checkpoint `position`, atomically where the store allows. Writes are
   * version-guarded wherever a command writes the same row, so a command that wrote a later
   * version meanwhile keeps it.
   */
  flush(changes: readonly KeyChange<D>[], position: number): Promise<void>;
}

/** A read model that can rebuild itself in bulk rather than event by event. */
export interface BulkRebuildable {
  bulkRebuild(): BulkRebuild<Versioned>;
}

export function isBulkRebuildable(value: object): value is BulkRebuildable {
  return typeof (value as Partial<BulkRebuildable>).bulkRebuild === 'function';
}
