import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsRfc3339DateTime } from '../../input/rfc3339-date-time.decorator';

/** Lumino's `ApiKeyCreate`: both fields required. The name limit is the native one (Lumino states none). */
export class LuminoApiKeyCreateDto {
  @ApiProperty({ description: 'The name of the API key', minLength: 1, maxLength: 100, example: 'training jobs' })
  @IsString() @Length(1, 100)
  name!: string;

  @ApiProperty({ format: 'date-time', description: 'The expiration date and time of the API key; must be in the future' })
  @IsString() @IsRfc3339DateTime()
  expires_at!: string;
}
