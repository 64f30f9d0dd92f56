import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';

export class RateLimitInputDto {
  @ApiProperty({ description: 'Verifications admitted per window', example: 100 })
  @IsInt() @Min(1) @Max(1_000_000_000)
  limit!: number;

  @ApiProperty({ description: 'Window length in milliseconds', example: 60000 })
  @IsInt() @Min(1000) @Max(86_400_000)
  durationMs!: number;
}

export class QuotaInputDto {
  @ApiProperty({ description: 'Verifications left before USAGE_EXCEEDED', example: 1000 })
  @IsInt() @Min(0) @Max(1_000_000_000_000)
  remaining!: number;

  @ApiPropertyOptional({ enum: ['daily', 'monthly'], nullable: true })
  @IsOptional() @IsIn(['daily', 'monthly'])
  refill?: 'daily' | 'monthly' | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000_000_000, description: 'What `remaining` is reset to at each refill', nullable: true })
  @ValidateIf((o: QuotaInputDto) => o.refill !== undefined && o.refill !== null)
  @IsInt() @Min(1) @Max(1_000_000_000_000)
  refillAmount?: number | null;
}
