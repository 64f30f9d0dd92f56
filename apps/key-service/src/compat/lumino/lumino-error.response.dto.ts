import { ApiProperty } from '@nestjs/swagger';

/** Lumino's `ErrorResponse`, used for every error on its routes. */
export class LuminoErrorResponseDto {
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'expires_at must be an RFC 3339 date-time, e.g. 2030-01-01T00:00:00Z' }) message!: string;
}
