import { ValidationRecord } from '../validation/validation-record';

/** Where verify finds the record of a key hash: a store, a cache in front of one, or a fallback chain. */
export interface ValidationLookup {
  lookup(hash: string): Promise<ValidationRecord | null>;
  /**
   * What this lookup already holds for the hash, without waiting: the record, null for a hash it
   * knows to be unknown, undefined when it would have to ask its source (then call lookup). An
   * in-process cache answers here, so a warm verify awaits no promise of its own.
   */
  peek?(hash: string): ValidationRecord | null | undefined;
}

/** Neither the validation model nor its fallback could be read: the verify cannot be decided. */
export class VerificationUnavailableError extends Error {
  constructor(cause: string) {
    super(`Key verification is unavailable: ${cause}`);
    this.name = 'VerificationUnavailableError';
  }
}
