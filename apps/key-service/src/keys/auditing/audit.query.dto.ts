import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, Min } from 'class-validator';
import { KEY_EVENT_TYPES } from '@keys/domain';

export class AuditQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString()
  keyId?: string;

  @ApiPropertyOptional({ enum: KEY_EVENT_TYPES }) @IsOptional() @IsIn(KEY_EVENT_TYPES as string[], { message: `type must be one of ${KEY_EVENT_TYPES.join(', ')}` })
  type?: string;

  @ApiPropertyOptional({ description: 'Actor id: a key id, "root" or "key-service"' }) @IsOptional() @IsString()
  actor?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional() @IsOptional() @IsString()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}
