import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsString, Length } from 'class-validator';

/** Lumino's `ApiKeyCreate`: both fields required. The name limit is the native one (Lumino states none). */
export class LuminoApiKeyCreateDto {
  @ApiProperty({ description: 'The name of the API key', minLength: 1, maxLength: 100, example: 'training jobs' })
  @IsString() @Length(1, 100)
  name!: string;

  @ApiProperty({ format: 'date-time', description: 'The expiration date and time of the API key; must be in the future' })
  @IsString() @IsISO8601({ strict: true }, { message: 'expires_at must be an ISO 8601 date-time' })
  expires_at!: string;
}
