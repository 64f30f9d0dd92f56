import { ValidationRecord } from '../validation/validation-record';
import { ValidationLookup, VerificationUnavailableError } from './validation-lookup.port';

/**
 * Redis first; when Redis cannot answer, the PostgreSQL copy of the same model; when neither can,
 * an error (503), never a guess. A Redis miss is an answer, not a failure: the model is complete.
 */
export class FallbackValidationLookup implements ValidationLookup {
  fallbacks = 0;

  constructor(
    private readonly primary: ValidationLookup,
    private readonly fallback: ValidationLookup,
    private readonly onFallback?: (error: unknown) => void,
  ) {}

  async lookup(hash: string): Promise<ValidationRecord | null> {
    try {
      return await this.primary.lookup(hash);
    } catch (primaryError) {
      this.fallbacks++;
      this.onFallback?.(primaryError);
      try {
        return await this.fallback.lookup(hash);
      } catch (fallbackError) {
        throw new VerificationUnavailableError(
          `validation model unreachable (${(primaryError as Error).message}); fallback unreachable (${(fallbackError as Error).message})`,
        );
      }
    }
  }
}
