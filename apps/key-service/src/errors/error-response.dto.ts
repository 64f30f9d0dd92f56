import { ApiProperty } from '@nestjs/swagger';
import { ErrorBody } from './error-body';

/** The native error body in the OpenAPI document: what `describeError` produces. */
export class ErrorResponseDto implements ErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'name must be a string' }) message!: string;
}
