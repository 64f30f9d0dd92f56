import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ReasonRequestDto {
  @ApiPropertyOptional({ maxLength: 500, example: 'leaked in a CI log' })
  @IsOptional() @IsString() @MaxLength(500)
  reason?: string;
}
