import { ApiProperty } from '@nestjs/swagger';
import { GRANULARITIES } from '@keys/projections';

export class VerificationBucketDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the bucket (UTC)' }) start!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Every answer in the bucket' }) total!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 1 },
    description: 'Answers per verify code (VALID, EXPIRED, REVOKED, DISABLED, FORBIDDEN, INSUFFICIENT_ROLES, INSUFFICIENT_PERMISSIONS, RATE_LIMITED, USAGE_EXCEEDED, or any later code); codes with none are left out',
    example: { VALID: 120, RATE_LIMITED: 3 },
  })
  counts!: Record<string, number>;
}

export class KeyVerificationsDto {
  @ApiProperty() keyId!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ enum: GRANULARITIES }) granularity!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [VerificationBucketDto], description: 'Ascending by start; only buckets with answers (fill the gaps yourself)' })
  buckets!: VerificationBucketDto[];
}

export class TopKeyByVolumeDto {
  @ApiProperty() keyId!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ type: 'integer' }) total!: number;
}

export class TopKeyByRejectionsDto {
  @ApiProperty() keyId!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ type: 'integer', description: 'Answers other than VALID' }) rejected!: number;
}

export class TopKeysDto {
  @ApiProperty({ type: [TopKeyByVolumeDto], description: 'The ten keys with the most answers in the range' }) byVolume!: TopKeyByVolumeDto[];
  @ApiProperty({ type: [TopKeyByRejectionsDto], description: 'The ten keys with the most refused answers in the range (none: left out)' })
  byRejections!: TopKeyByRejectionsDto[];
}

export class TenantVerificationsDto {
  @ApiProperty({ nullable: true, type: String, description: "The tenant summed over; null: the root key's view of every tenant" }) tenant!: string | null;
  @ApiProperty({ enum: GRANULARITIES }) granularity!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [VerificationBucketDto], description: "Ascending by start, summed over the tenant's keys; only buckets with answers" })
  buckets!: VerificationBucketDto[];
  @ApiProperty({ type: TopKeysDto }) topKeys!: TopKeysDto;
}
