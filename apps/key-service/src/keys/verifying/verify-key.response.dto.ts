import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VERIFY_CODES, VerifyCode } from '@key-service/verifier';

export class RateLimitStateDto {
  @ApiProperty() limit!: number;
  @ApiProperty({ description: 'Verifications left in the current window' }) remaining!: number;
  @ApiProperty({ description: 'End of the current window, epoch milliseconds' }) reset!: number;
}

export class VerifyKeyResponseDto {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ enum: VERIFY_CODES })
  code!: VerifyCode;
  @ApiPropertyOptional() keyId?: string;
  @ApiPropertyOptional() tenant?: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ type: [String] }) roles?: string[];
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) expiresAt?: string | null;
  @ApiPropertyOptional({ type: RateLimitStateDto }) ratelimit?: RateLimitStateDto;
  @ApiPropertyOptional({ description: 'Quota left after this verification' }) remaining?: number;
}
