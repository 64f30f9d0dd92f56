import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { describeError } from './error-body';

const logger = new Logger('HttpError');

/** Sends `exception` in the one error shape; a 5xx is logged, since its body says nothing of the cause. */
export async function sendError(reply: FastifyReply, exception: unknown): Promise<void> {
  const body = describeError(exception);
  if (body.statusCode >= 500) logger.error(exception instanceof Error ? exception.stack : String(exception));
  await reply.status(body.statusCode).send(body);
}

/** Every error of the native API leaves as `{statusCode, error, message}`. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    void sendError(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}
