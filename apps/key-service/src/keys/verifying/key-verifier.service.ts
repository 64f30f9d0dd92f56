import { Inject, Injectable } from '@nestjs/common';
import { effectiveStatus } from '@keys/domain';
import { KEY_VALIDATION_STORE, KeyValidationStore } from '@keys/projections';
import { hasValidChecksum, KeyHasher } from '@keys/secrets';
import { KEY_HASHER } from '../../config/secrets.tokens';
import { UsageFlusher } from '../using/usage-flusher.service';
import { VerifyResult } from './verify-code';

const NOT_FOUND: VerifyResult = { valid: false, code: 'NOT_FOUND' };

/**
 * Decides whether a presented key is valid. Keys of the wrong shape or checksum are rejected
 * before any lookup; the rest cost one hash and one read of the validation model.
 */
@Injectable()
export class KeyVerifier {
  constructor(
    @Inject(KEY_VALIDATION_STORE) private readonly validation: KeyValidationStore,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    private readonly usage: UsageFlusher,
  ) {}

  async verify(plaintext: string, requiredRoles: readonly string[] = [], now: Date = new Date()): Promise<VerifyResult> {
    if (!hasValidChecksum(plaintext)) return NOT_FOUND;
    const record = await this.validation.lookup(this.hasher.hash(plaintext));
    if (!record) return NOT_FOUND;
    if (record.validUntil !== null && Date.parse(record.validUntil) <= now.getTime()) return NOT_FOUND;
    const about = {
      keyId: record.keyId,
      tenant: record.tenant,
      name: record.name,
      roles: record.roles,
      expiresAt: record.expiresAt,
    };
    const status = effectiveStatus(record.status, record.expiresAt, now);
    if (status !== 'ACTIVE') return { valid: false, code: status, ...about };
    if (requiredRoles.some((role) => !record.roles.includes(role))) return { valid: false, code: 'INSUFFICIENT_ROLES', ...about };
    this.usage.record(record.keyId);
    return { valid: true, code: 'VALID', ...about };
  }
}
