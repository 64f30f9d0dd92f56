import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { effectiveStatus, KeyStatus } from '@key-service/events';
import { KeyDetails } from '@keys/projections';
import { ALLOWED_IPS_DOC, PERMISSIONS_DOC } from './access/access.openapi';

export class RateLimitDto {
  @ApiProperty({ example: 100 }) limit!: number;
  @ApiProperty({ example: 60000 }) durationMs!: number;
}

export class QuotaDto {
  @ApiProperty({ example: 1000 }) remaining!: number;
  @ApiProperty({ enum: ['daily', 'monthly'], nullable: true }) refill!: 'daily' | 'monthly' | null;
  @ApiProperty({ nullable: true, type: Number }) refillAmount!: number | null;
}

/** A key as management routes show it: never the secret, never its hash. */
export class KeyRecordDto {
  @ApiProperty() id!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ example: 'sk' }) prefix!: string;
  @ApiProperty({ description: 'Display hint: prefix and last four characters', example: 'sk_…a1B2' }) start!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ nullable: true, type: String }) owner!: string | null;
  @ApiProperty({ nullable: true, type: String }) environment!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) annotations!: Record<string, string>;
  @ApiProperty({ enum: ['ACTIVE', 'EXPIRED', 'REVOKED', 'DISABLED'] }) status!: KeyStatus;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ description: 'Successful verifications recorded so far' }) usageCount!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokeReason!: string | null;
  @ApiProperty({ type: RateLimitDto, nullable: true }) rateLimit!: RateLimitDto | null;
  @ApiProperty({ type: QuotaDto, nullable: true }) quota!: QuotaDto | null;
  @ApiProperty({ description: 'Stream version: send it back in If-Match to update safely' }) version!: number;
  @ApiProperty(ALLOWED_IPS_DOC) allowedIps!: string[] | null;
  @ApiProperty(PERMISSIONS_DOC) permissions!: string[];
}

export class CreatedKeyDto extends KeyRecordDto {
  @ApiProperty({ description: 'The plaintext key. Shown only in this response: store it now.' }) key!: string;
}

export class KeyListDto {
  @ApiProperty({ type: [KeyRecordDto] }) items!: KeyRecordDto[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}

export function toKeyRecord(view: KeyDetails, now: Date = new Date()): KeyRecordDto {
  return {
    id: view.keyId,
    tenant: view.tenant,
    name: view.name,
    description: view.description,
    prefix: view.prefix,
    start: view.start,
    roles: [...view.roles],
    owner: view.owner,
    environment: view.environment,
    annotations: { ...view.annotations },
    status: effectiveStatus(view.status, view.expiresAt, now),
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
    expiresAt: view.expiresAt,
    lastUsedAt: view.lastUsedAt,
    usageCount: view.usageCount,
    revokedAt: view.revokedAt,
    revokeReason: view.revokeReason,
    rateLimit: view.rateLimit,
    quota: view.quota,
    version: view.version,
    // Documents stored before access restrictions existed lack both.
    allowedIps: view.allowedIps ? [...view.allowedIps] : null,
    permissions: [...(view.permissions ?? [])],
  };
}

/**
 * A key's record with its plaintext last, as create, batch items and reveal answer it. The record
 * gets the field added rather than spread into a new literal with it: V8 gave every
 * `{ ...record, key }` a hidden class of its own, about 3 µs a response against 0.2 µs.
 */
export function toCreatedKeyRecord(view: KeyDetails, plaintext: string): CreatedKeyDto {
  const record = toKeyRecord(view) as CreatedKeyDto;
  record.key = plaintext;
  return record;
}
