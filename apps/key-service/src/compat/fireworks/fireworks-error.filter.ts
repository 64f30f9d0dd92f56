import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { describeCompatError } from '../compat-error';
import { FireworksErrorResponseDto } from './fireworks-error.response.dto';

/** HTTP status → gRPC code, the inverse of grpc-gateway's HTTPStatusFromCode. */
const GRPC_CODE: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  409: 6, // ALREADY_EXISTS (a duplicate key id; concurrent changes are retried inside the command)
  412: 9, // FAILED_PRECONDITION
  413: 3,
  414: 3,
  415: 3,
  429: 8, // RESOURCE_EXHAUSTED
  501: 12, // UNIMPLEMENTED
  503: 14, // UNAVAILABLE
};

/**
 * Fireworks' gateway is a gRPC gateway (`gatewayApiKey`, `Gateway_CreateApiKey`), whose errors
 * are `rpcStatus` bodies: `{code, message, details}` with the HTTP status grpc-gateway derives.
 */
@Catch()
export class FireworksErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    this.send(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }

  send(reply: FastifyReply, exception: unknown): void {
    const { statusCode, message } = describeCompatError(exception);
    const body: FireworksErrorResponseDto = { code: GRPC_CODE[statusCode] ?? (statusCode >= 500 ? 13 : 2), message, details: [] };
    void reply.status(statusCode).send(body);
  }
}
