import { ProjectionSink } from '../feed/projection-sink';
import { ValidationRecord } from './key-validation.view';

/** The validation read model, as the verify path reads it: one lookup by hash. */
export interface KeyValidationStore extends ProjectionSink {
  lookup(hash: string): Promise<ValidationRecord | null>;
}

export const KEY_VALIDATION_STORE = Symbol('KEY_VALIDATION_STORE');
