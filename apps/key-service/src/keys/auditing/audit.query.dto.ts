import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { KEY_EVENT_TYPES } from '@keys/domain';
import { IsQueryInteger } from '../../input/query-integer.decorator';
import { IsRfc3339DateTime } from '../../input/rfc3339-date-time.decorator';

export class AuditQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString()
  keyId?: string;

  @ApiPropertyOptional({ enum: KEY_EVENT_TYPES }) @IsOptional() @IsIn(KEY_EVENT_TYPES as string[], { message: `type must be one of ${KEY_EVENT_TYPES.join(', ')}` })
  type?: string;

  @ApiPropertyOptional({ description: 'Actor id: a key id, "root" or "key-service"' }) @IsOptional() @IsString()
  actor?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsRfc3339DateTime()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsRfc3339DateTime()
  to?: string;

  @ApiPropertyOptional() @IsOptional() @IsString()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @IsQueryInteger(1, 500)
  limit?: number;
}
