import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { IsQueryInteger } from '../../input/query-integer.decorator';

export class KeyHistoryQueryDto {
  @ApiPropertyOptional({ description: "The previous page's nextCursor" }) @IsOptional() @IsString()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @IsQueryInteger(1, 500)
  limit?: number;
}
