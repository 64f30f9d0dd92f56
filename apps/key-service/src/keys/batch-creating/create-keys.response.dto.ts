import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../errors/error-response.dto';
import { CreatedKeyDto } from '../key-record.dto';

/** One item's outcome: `key` when `status` is 201, `error` (what `POST /v1/keys` would have answered) otherwise. */
export class CreateKeysItemDto {
  @ApiProperty({ description: '201 when created; otherwise the status a single create of this item gets', example: 201 })
  status!: number;

  @ApiPropertyOptional({ type: CreatedKeyDto, description: 'The created key, with its plaintext `key` (shown only here)' })
  key?: CreatedKeyDto;

  @ApiPropertyOptional({ type: ErrorResponseDto })
  error?: ErrorResponseDto;
}

export class CreateKeysResponseDto {
  @ApiProperty({ type: [CreateKeysItemDto], description: 'One per item, in the request order' })
  results!: CreateKeysItemDto[];
}
