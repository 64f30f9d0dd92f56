import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { KEY_EVENT_TYPES } from '@key-service/events';
import { IsQueryInteger } from '../../input/query-integer.decorator';
import { IsRfc3339DateTime } from '../../input/rfc3339-date-time.decorator';
import { KEY_ID_PATTERN, TENANT_PATTERN, TENANT_PATTERN_MESSAGE } from '../creating/create-key.request.dto';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: "A key's id; the root key names its tenant too when several tenants use that id" })
  @IsOptional() @IsString() @Matches(KEY_ID_PATTERN, { message: 'keyId must be 1-128 characters of A-Z a-z 0-9 . _ -' })
  keyId?: string;

  @ApiPropertyOptional({ description: 'Root key only: narrow to one tenant' })
  @IsOptional() @IsString() @Matches(TENANT_PATTERN, { message: TENANT_PATTERN_MESSAGE })
  tenant?: string;

  @ApiPropertyOptional({ enum: KEY_EVENT_TYPES }) @IsOptional() @IsIn(KEY_EVENT_TYPES as string[], { message: `type must be one of ${KEY_EVENT_TYPES.join(', ')}` })
  type?: string;

  @ApiPropertyOptional({ description: 'Actor id: a key id (of the event\'s own tenant: a key acts only there), "root" or "key-service"' }) @IsOptional() @IsString()
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
