import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { KEY_EVENT_TYPES } from '@keys/domain';
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

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional() @IsOptional() @IsString()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}
