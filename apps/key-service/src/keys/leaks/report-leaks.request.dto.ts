import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export const MAX_LEAK_REPORT = 1000;

export class ReportLeaksRequestDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_LEAK_REPORT, description: 'Plaintexts your scanner found; never stored, logged or echoed' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_LEAK_REPORT) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(512, { each: true })
  keys!: string[];

  @ApiPropertyOptional({ maxLength: 200, example: 'trufflehog', description: 'Where or by what they were found; kept in each KeyRevoked' })
  @IsOptional() @IsString() @MaxLength(200)
  source?: string;

  @ApiPropertyOptional({ maxLength: 2000, example: 'https://git.example.com/team/repo/commit/abc', description: 'Where they were found; kept in each KeyRevoked' })
  @IsOptional() @IsString() @MaxLength(2000)
  url?: string;
}
