import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { KeyStatus } from '@key-service/events';
import { IsQueryInteger } from '../../input/query-integer.decorator';

export class ListKeysQueryDto {
  @ApiPropertyOptional({ enum: ['ACTIVE', 'EXPIRED', 'REVOKED', 'DISABLED'] })
  @IsOptional() @IsIn(['ACTIVE', 'EXPIRED', 'REVOKED', 'DISABLED'], { message: 'status must be one of ACTIVE, EXPIRED, REVOKED, DISABLED' })
  status?: KeyStatus;

  @ApiPropertyOptional() @IsOptional() @IsString()
  role?: string;

  @ApiPropertyOptional() @IsOptional() @IsString()
  owner?: string;

  @ApiPropertyOptional() @IsOptional() @IsString()
  environment?: string;

  @ApiPropertyOptional({ description: 'Root key only: narrow to one tenant' }) @IsOptional() @IsString()
  tenant?: string;

  @ApiPropertyOptional() @IsOptional() @IsString()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @IsQueryInteger(1, 200)
  limit?: number;
}
