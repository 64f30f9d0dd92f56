import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { KEY_ID_PATTERN, ROLE_PATTERN } from '../../keys/creating/create-key.request.dto';

/** Fusion's `ApiKeyRequest`: `id` and `name` required, as in its OpenAPI. Limits are the native ones. */
export class FusionApiKeyRequestDto {
  @ApiProperty({ example: 'test-key-name', minLength: 1, maxLength: 100 })
  @IsString() @Length(1, 100)
  name!: string;

  @ApiProperty({ example: 'test-key-id', description: 'Caller-chosen key id; becomes the key id everywhere', pattern: KEY_ID_PATTERN.source })
  @IsString() @Matches(KEY_ID_PATTERN, { message: 'id must be 1-128 characters of A-Z a-z 0-9 . _ -' })
  id!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['developer', 'search'],
    writeOnly: true,
    description: 'One or more user roles. Use `GET /api/roles` to get the list of existing roles.',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(ROLE_PATTERN, { each: true, message: 'each role must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  roles?: string[];
}
