import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { KeyDomainError } from '@keys/domain';
import { Actor, LeakReport } from '@key-service/events';
import { ValidationRecord } from '@keys/projections';
import { KeyVerifier } from '@key-service/verifier';
import { RevokeKeyCommand } from '../revoking/revoke-key.command';

export type LeakLabel = 'true_positive' | 'false_positive';

/** What a reported token turned out to be; never the token itself. */
export interface LeakVerdict {
  /** Hex SHA-256 of the token, as GitHub's feedback format names it. */
  readonly tokenHash: string;
  readonly label: LeakLabel;
}

/** A plaintext someone found, and where. */
export interface LeakedToken {
  readonly token: string;
  readonly leak: LeakReport;
}

export const LEAK_REASON = 'leaked';

/**
 * Turns reported plaintexts into revocations. A token is a true positive when it is a secret of a
 * key of this service, revoked or not: the report is then acted on (revoked now, or left revoked),
 * and a repeated report finds the key revoked and changes nothing more. Noise costs no lookup: a
 * token without our checksum is only looked up when it is the SHA-256 of an imported key the
 * in-process index holds, exactly as verify decides.
 */
@Injectable()
export class LeakedKeyReporter {
  constructor(
    private readonly commandBus: CommandBus,
    /** Names the key a plaintext belongs to exactly as verify does, lookups counted the same way. */
    private readonly verifier: KeyVerifier,
  ) {}

  /** One verdict per token, in order; the revocations are in force when this resolves. */
  async report(leaks: readonly LeakedToken[], reporter: Actor, correlationId: string = randomUUID()): Promise<LeakVerdict[]> {
    const verdicts: LeakVerdict[] = [];
    // One at a time: a report is small, and the same key twice in it must be revoked once.
    for (const { token, leak } of leaks) {
      const record = await this.verifier.recordOf(token);
      if (record !== null) await this.revoke(record, leak, reporter, correlationId);
      verdicts.push({ tokenHash: createHash('sha256').update(token, 'utf8').digest('hex'), label: record === null ? 'false_positive' : 'true_positive' });
    }
    return verdicts;
  }

  private async revoke(record: ValidationRecord, leak: LeakReport, reporter: Actor, correlationId: string): Promise<void> {
    if (record.status === 'REVOKED') return;
    // A rotated-out secret past its grace period no longer verifies: its leak endangers nothing.
    if (record.validUntil !== null && Date.parse(record.validUntil) <= Date.now()) return;
    // Holding the plaintext is proof enough, whoever reports it: verify already tells its holder
    // the key is live. The revocation is the reporter's, within the key's own tenant.
    const principal = { actor: reporter, tenant: record.tenant, roles: [], isRoot: false };
    try {
      await this.commandBus.execute(new RevokeKeyCommand({ keyId: record.keyId, tenant: record.tenant }, LEAK_REASON, { principal, correlationId }, leak));
    } catch (error) {
      // Revoked meanwhile (a concurrent report, or a cache older than the stream): what was asked holds.
      if (error instanceof KeyDomainError && error.code === 'KEY_REVOKED') return;
      throw error;
    }
  }
}
