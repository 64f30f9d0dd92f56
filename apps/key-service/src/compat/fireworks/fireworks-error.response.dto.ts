import { ApiProperty } from '@nestjs/swagger';

/** `rpcStatus`, the error body of a gRPC-gateway service such as Fireworks' gateway. */
export class FireworksErrorResponseDto {
  @ApiProperty({ description: 'gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED…)', example: 3 })
  code!: number;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) details!: object[];
}
