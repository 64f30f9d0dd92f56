import { Provider } from '@nestjs/common';
import { ImportedHashIndex } from '@keys/projections';
import { isImportedHash, KeyHasher, KeyVerifier, UsageLimiter, ValidationLookup } from '@key-service/verifier';
import { KEY_HASHER } from '../../config/secrets.tokens';
import { KeyServiceMetrics } from '../../metrics/key-service.metrics';
import { IMPORTED_HASHES, USAGE_LIMITER, VALIDATION_LOOKUP } from '../../runtime/runtime.tokens';
import { UsageFlusher } from '../using/usage-flusher.service';

export const keyVerifierProvider: Provider = {
  provide: KeyVerifier,
  inject: [KEY_HASHER, VALIDATION_LOOKUP, USAGE_LIMITER, UsageFlusher, IMPORTED_HASHES, KeyServiceMetrics],
  useFactory: (
    hasher: KeyHasher,
    lookup: ValidationLookup,
    limiter: UsageLimiter,
    usage: UsageFlusher,
    imported: ImportedHashIndex,
    metrics: KeyServiceMetrics,
  ) => {
    // Counted where verify reads, so what a guess costs is visible (docs/verification.md). The
    // labelled counters are taken once: a label object per verify was a hash of it per verify.
    const issued = metrics.validationLookups.labels({ hash: 'issued' });
    const importedLookups = metrics.validationLookups.labels({ hash: 'imported' });
    const count = (hash: string) => (isImportedHash(hash) ? importedLookups : issued).inc();
    const counted: ValidationLookup = {
      lookup: (hash) => {
        count(hash);
        return lookup.lookup(hash);
      },
      // A warm verify reads the cache without a promise; it is a read all the same, counted once.
      peek: lookup.peek
        ? (hash) => {
            const found = lookup.peek?.(hash);
            if (found !== undefined) count(hash);
            return found;
          }
        : undefined,
    };
    return new KeyVerifier({ hasher, lookup: counted, limiter, imported, onOutcome: (streamId, code, hasQuota) => usage.record(streamId, code, hasQuota) });
  },
};
