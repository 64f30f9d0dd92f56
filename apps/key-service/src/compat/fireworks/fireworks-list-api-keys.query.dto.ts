import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { IsQueryInteger } from '../../input/query-integer.decorator';

/** AIP-158 paging, as Fireworks' other list methods take it. */
export class FireworksListApiKeysQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @IsQueryInteger(1, 200)
  pageSize?: number;

  @ApiPropertyOptional({ description: 'nextPageToken of the previous page' })
  @IsOptional() @IsString()
  pageToken?: string;
}
