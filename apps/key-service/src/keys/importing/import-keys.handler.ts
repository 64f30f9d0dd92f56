import { BadRequestException, ConflictException, Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { KeyDomainError } from '@keys/domain';
import { keyStreamId } from '@key-service/events';
import { ImportedHashIndex } from '@keys/projections';
import { importedHashOf } from '@key-service/verifier';
import { describeError } from '../../errors/error-body';
import { IMPORTED_HASHES } from '../../runtime/runtime.tokens';
import { createKeysInOneAppend, PlannedKey } from '../key-batch.writer';
import { keyCreatedFor } from '../key-creation.plan';
import { KeyChangeSettler } from '../key-change.settler';
import { KeyRepository } from '../key.repository';
import { validateKeySpec } from '../key-spec.validator';
import { ImportKeyRequestDto } from './import-key.request.dto';
import { ImportKeysCommand } from './import-keys.command';
import { FailedImportDto, ImportedKeyDto, ImportKeysResponseDto } from './import-keys.response.dto';

const ENCODING_NAMES = { 'sha256-base64': 'base64 (43 or 44 characters)', 'sha256-hex': 'hex (64 characters)' } as const;

/**
 * Imports keys of another system by their SHA-256, per item, appended together in one round trip.
 * Each becomes a KeyCreated with `hashAlgorithm: sha256` (never a plaintext): verify then finds it
 * by the SHA-256 of the presented key (docs/verification.md).
 */
@CommandHandler(ImportKeysCommand)
export class ImportKeysHandler implements ICommandHandler<ImportKeysCommand, ImportKeysResponseDto> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly changes: KeyChangeSettler,
    @Inject(IMPORTED_HASHES) private readonly imported: ImportedHashIndex,
  ) {}

  async execute({ items, context }: ImportKeysCommand): Promise<ImportKeysResponseDto> {
    const now = new Date();
    const failed: FailedImportDto[] = [];
    const planned: Array<PlannedKey & { sentHash: string }> = [];
    const streams = new Set<string>();
    const hashes = new Set<string>();
    for (const [index, item] of items.entries()) {
      const sent = typeof item === 'object' && item !== null ? (item as { hash?: unknown }).hash : undefined;
      try {
        const input = await validateKeySpec(ImportKeyRequestDto, item);
        const hash = importedHashOf(input.hash, input.hashAlgorithm);
        if (hash === null) throw new BadRequestException(`hash must be a SHA-256 digest in ${ENCODING_NAMES[input.hashAlgorithm]}`);
        // Two keys under one hash would make verify's answer depend on which was written last.
        if (hashes.has(hash) || this.imported.has(hash)) throw new ConflictException('A key with this hash was imported already');
        const prefix = input.prefix ?? '';
        const { address, created } = keyCreatedFor(
          input,
          context.principal,
          () => ({ hash, hashAlgorithm: 'sha256', prefix, start: prefix ? `${prefix}_…` : '…' }),
          now,
        );
        const streamId = keyStreamId(address.tenant, address.keyId);
        if (streams.has(streamId)) throw new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${address.keyId}' already exists`);
        streams.add(streamId);
        hashes.add(hash);
        planned.push({ index, address, created, sentHash: input.hash });
      } catch (error) {
        const { statusCode, message } = describeError(error);
        failed.push({ index, hash: typeof sent === 'string' ? sent : null, status: statusCode, reason: message });
      }
    }
    const imported: ImportedKeyDto[] = [];
    for (const [i, outcome] of (await createKeysInOneAppend(this.keys, this.changes, planned, context, now)).entries()) {
      const { index, sentHash, address } = planned[i];
      if ('error' in outcome) failed.push({ index, hash: sentHash, status: outcome.error.statusCode, reason: outcome.error.message });
      else imported.push({ index, hash: sentHash, keyId: address.keyId, tenant: address.tenant });
    }
    failed.sort((a, b) => a.index - b.index);
    return { imported, failed };
  }
}
