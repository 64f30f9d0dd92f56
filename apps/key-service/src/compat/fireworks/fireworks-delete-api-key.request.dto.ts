import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { KEY_ID_PATTERN } from '../../keys/creating/create-key.request.dto';

/** The body of the `apiKeys:delete` custom method: which key to delete. */
export class FireworksDeleteApiKeyBodyDto {
  @ApiProperty({ description: 'The keyId returned when the key was created' })
  @IsString() @Matches(KEY_ID_PATTERN, { message: 'keyId must be 1-128 characters of A-Z a-z 0-9 . _ -' })
  keyId!: string;
}
