import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateKeyRequestDto {
  @ApiPropertyOptional({ description: 'How long the old secret keeps verifying; 0 ends it at once', default: 0, maximum: 2592000 })
  @IsOptional() @IsInt() @Min(0) @Max(30 * 24 * 3600)
  gracePeriodSeconds?: number;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Keep the new plaintext sealed in the vault, revealable; without it the key stops being recoverable (the old sealed secret is destroyed)',
  })
  @IsOptional() @IsBoolean()
  recoverable?: boolean;
}
