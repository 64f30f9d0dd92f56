import { ApiProperty } from '@nestjs/swagger';

export const LUMINO_STATUSES = ['ACTIVE', 'EXPIRED', 'REVOKED'] as const;
export type LuminoStatus = (typeof LUMINO_STATUSES)[number];

/** Lumino's `ApiKeyResponse`: what list, get and delete show. Never the secret. */
export class LuminoApiKeyResponseDto {
  @ApiProperty({ format: 'uuid', description: 'A UUID for keys created here; a key created elsewhere keeps its own id' }) id!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'null until the key is first used' })
  last_used_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'null only for keys created elsewhere without expiry' })
  expires_at!: string | null;
  @ApiProperty({ enum: LUMINO_STATUSES, description: 'A disabled key shows as REVOKED: it does not authenticate' })
  status!: LuminoStatus;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The prefix every secret of this key starts with', example: 'sk' }) prefix!: string;
}

/** Lumino's `ApiKeyWithSecretResponse`: the create response. */
export class LuminoApiKeyWithSecretResponseDto extends LuminoApiKeyResponseDto {
  @ApiProperty({ description: 'The full API key secret (only returned on creation)' }) secret!: string;
}
