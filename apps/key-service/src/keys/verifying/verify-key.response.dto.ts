import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VerifyCode } from './verify-code';

export class VerifyKeyResponseDto {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ enum: ['VALID', 'NOT_FOUND', 'EXPIRED', 'REVOKED', 'DISABLED', 'INSUFFICIENT_ROLES', 'RATE_LIMITED', 'USAGE_EXCEEDED'] })
  code!: VerifyCode;
  @ApiPropertyOptional() keyId?: string;
  @ApiPropertyOptional() tenant?: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ type: [String] }) roles?: string[];
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) expiresAt?: string | null;
}
