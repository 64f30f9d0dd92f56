import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Granularity, GRANULARITIES } from '@keys/projections';
import { IsRfc3339DateTime } from '../../input/rfc3339-date-time.decorator';
import { TENANT_PATTERN, TENANT_PATTERN_MESSAGE } from '../creating/create-key.request.dto';
import { TENANT_QUERY_DOC } from '../tenant-query.doc';

export class VerificationsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start of the range (default: `to` minus 36 hours); the bucket holding it is the first one' })
  @IsOptional() @IsRfc3339DateTime()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End of the range, exclusive (default: now)' })
  @IsOptional() @IsRfc3339DateTime()
  to?: string;

  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'hour', description: 'Bucket size (UTC): ranges of at most 48 h by minute, 90 days by hour, 5 years by day' })
  @IsOptional() @IsIn(GRANULARITIES as string[], { message: `granularity must be one of ${GRANULARITIES.join(', ')}` })
  granularity?: Granularity;

  @ApiPropertyOptional({ description: TENANT_QUERY_DOC })
  @IsOptional() @IsString() @Matches(TENANT_PATTERN, { message: TENANT_PATTERN_MESSAGE })
  tenant?: string;
}
