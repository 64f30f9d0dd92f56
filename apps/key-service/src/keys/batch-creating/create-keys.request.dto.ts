import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { CreateKeyRequestDto } from '../creating/create-key.request.dto';

export const MAX_BATCH_SIZE = 1000;

export class CreateKeysRequestDto {
  @ApiProperty({
    type: [CreateKeyRequestDto],
    minItems: 1,
    maxItems: MAX_BATCH_SIZE,
    description: 'Each item as the body of `POST /v1/keys`; each is checked on its own, so one bad item fails only itself',
  })
  // Items are not validated here: each one is, on its own, by the handler (validateKeySpec).
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BATCH_SIZE)
  keys!: unknown[];
}
