import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { MAX_BATCH_SIZE } from '../batch-creating/create-keys.request.dto';
import { ImportKeyRequestDto } from './import-key.request.dto';

export class ImportKeysRequestDto {
  @ApiProperty({ type: [ImportKeyRequestDto], minItems: 1, maxItems: MAX_BATCH_SIZE, description: 'Each item is checked on its own: one bad item fails only itself' })
  // Items are validated one by one by the handler (validateKeySpec).
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BATCH_SIZE)
  keys!: unknown[];
}
