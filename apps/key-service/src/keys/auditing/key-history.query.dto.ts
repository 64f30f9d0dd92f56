import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IsQueryInteger } from '../../input/query-integer.decorator';
import { TENANT_PATTERN, TENANT_PATTERN_MESSAGE } from '../creating/create-key.request.dto';

export class KeyHistoryQueryDto {
  @ApiPropertyOptional({ description: "Root key only: the key's tenant, needed when several tenants use its id" })
  @IsOptional() @IsString() @Matches(TENANT_PATTERN, { message: TENANT_PATTERN_MESSAGE })
  tenant?: string;

  @ApiPropertyOptional({ description: "The previous page's nextCursor" }) @IsOptional() @IsString()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @IsQueryInteger(1, 500)
  limit?: number;
}
