import { Provider } from '@nestjs/common';
import { KeyHasher } from '@keys/secrets';
import { KeyVerifier, UsageLimiter, ValidationLookup } from '@keys/verification';
import { KEY_HASHER } from '../../config/secrets.tokens';
import { USAGE_LIMITER, VALIDATION_LOOKUP } from '../../runtime/runtime.tokens';
import { UsageFlusher } from '../using/usage-flusher.service';

export const keyVerifierProvider: Provider = {
  provide: KeyVerifier,
  inject: [KEY_HASHER, VALIDATION_LOOKUP, USAGE_LIMITER, UsageFlusher],
  useFactory: (hasher: KeyHasher, lookup: ValidationLookup, limiter: UsageLimiter, usage: UsageFlusher) =>
    new KeyVerifier({ hasher, lookup, limiter, onOutcome: (streamId, code, hasQuota) => usage.record(streamId, code, hasQuota) }),
};
