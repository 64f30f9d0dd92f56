import { ValidationRecord } from '../validation/validation-record';

/** Where verify finds the record of a key hash: a store, a cache in front of one, or a fallback chain. */
export interface ValidationLookup {
  lookup(hash: string): Promise<ValidationRecord | null>;
}

/** Neither the validation model nor its fallback could be read: the verify cannot be decided. */
export class VerificationUnavailableError extends Error {
  constructor(cause: string) {
    super(`Key verification is unavailable: ${cause}`);
    this.name = 'VerificationUnavailableError';
  }
}
