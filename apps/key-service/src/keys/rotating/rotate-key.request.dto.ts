import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateKeyRequestDto {
  @ApiPropertyOptional({ description: 'How long the old secret keeps verifying; 0 ends it at once', default: 0, maximum: 2592000 })
  @IsOptional() @IsInt() @Min(0) @Max(30 * 24 * 3600)
  gracePeriodSeconds?: number;
}
