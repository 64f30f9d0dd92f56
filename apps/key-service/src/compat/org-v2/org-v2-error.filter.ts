import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { describeCompatError } from '../compat-error';
import { OrgV2ErrorResponseDto } from './org-v2-error.response.dto';
import { OrgV2ValidationError } from './org-v2-validation.error';

/**
 * The v2 API is a FastAPI service (its docs say "Successful Response", its nullable fields
 * `string | null`), so its clients expect FastAPI's errors: `{detail: "message"}`, and for a body
 * that fails the request model a 422 with `{detail: [{type, loc, msg, input}]}`.
 */
@Catch()
export class OrgV2ErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    this.send(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }

  send(reply: FastifyReply, exception: unknown): void {
    if (exception instanceof OrgV2ValidationError) {
      const body: OrgV2ErrorResponseDto = { detail: exception.details };
      void reply.status(422).send(body);
      return;
    }
    const { statusCode, message } = describeCompatError(exception);
    const body: OrgV2ErrorResponseDto = { detail: message };
    void reply.status(statusCode).send(body);
  }
}
