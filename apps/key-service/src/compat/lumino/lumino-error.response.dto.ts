import { ApiProperty } from '@nestjs/swagger';

/** Lumino's `ErrorResponse`, used for every error on its routes. */
export class LuminoErrorResponseDto {
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'expires_at must be an ISO 8601 date-time' }) message!: string;
}
