import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { describeCompatError } from '../compat-error';
import { LuminoErrorResponseDto } from './lumino-error.response.dto';

/** Lumino's routes answer every error as `{status, message}`, its documented `ErrorResponse`. */
@Catch()
export class LuminoErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    this.send(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }

  send(reply: FastifyReply, exception: unknown): void {
    const { statusCode, message } = describeCompatError(exception);
    const body: LuminoErrorResponseDto = { status: statusCode, message };
    void reply.status(statusCode).send(body);
  }
}
