import { ApiProperty } from '@nestjs/swagger';
import { RecordedKeyEvent } from '@key-service/events';

export class AuditActorDto {
  @ApiProperty({ enum: ['root', 'key', 'system'] }) type!: string;
  @ApiProperty() id!: string;
}

/** One event as auditors see it: the envelope and the data, hashes left out. */
export class AuditEventDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ example: 'KeyRevoked' }) type!: string;
  @ApiProperty() version!: number;
  @ApiProperty() position!: number;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty() correlationId!: string;
  @ApiProperty() schemaVersion!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto] }) items!: AuditEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** Hashes are not secrets, but nobody auditing a key needs them, so they never leave the service. */
const HIDDEN_FIELDS = new Set(['hash', 'previousHash']);

export function toAuditEvent(event: RecordedKeyEvent): AuditEventDto {
  const data = Object.fromEntries(Object.entries(event.data).filter(([k]) => !HIDDEN_FIELDS.has(k)));
  return {
    eventId: event.eventId,
    keyId: event.keyId,
    tenant: event.tenant,
    type: event.type,
    version: event.version,
    position: event.position,
    occurredAt: event.occurredAt,
    actor: { type: event.actor.type, id: event.actor.id },
    correlationId: event.correlationId,
    schemaVersion: event.schemaVersion,
    data,
  };
}
