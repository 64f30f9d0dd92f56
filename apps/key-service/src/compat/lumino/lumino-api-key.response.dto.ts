import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const LUMINO_STATUSES = ['ACTIVE', 'EXPIRED', 'REVOKED'] as const;
export type LuminoStatus = (typeof LUMINO_STATUSES)[number];

/** Lumino's `ApiKeyResponse`: what list, get and delete show. Never the secret. */
export class LuminoApiKeyResponseDto {
  @ApiProperty({ format: 'uuid', description: 'Always a UUID: keys whose id is not one (chosen through Fusion or /v1) are not shown on these routes' })
  id!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiPropertyOptional({ format: 'date-time', type: String, description: 'Left out until the key is first used (never null)' })
  last_used_at?: string;
  @ApiPropertyOptional({ format: 'date-time', type: String, description: 'Left out for a key without expiry, possible only for keys created elsewhere (never null)' })
  expires_at?: string;
  @ApiProperty({ enum: LUMINO_STATUSES, description: 'A disabled key shows as REVOKED: it does not authenticate' })
  status!: LuminoStatus;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The prefix every secret of this key starts with', example: 'sk' }) prefix!: string;
}

/** Lumino's `ApiKeyWithSecretResponse`: the create response. */
export class LuminoApiKeyWithSecretResponseDto extends LuminoApiKeyResponseDto {
  @ApiProperty({ description: 'The full API key secret (only returned on creation)' }) secret!: string;
}
