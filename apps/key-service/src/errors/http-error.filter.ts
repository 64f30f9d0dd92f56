import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ServerResponse } from 'node:http';
import { sendRawJson } from '../http/front-door';
import { bodyTooLarge, isBodyTooLarge } from '../input/body-limits.hook';
import { describeError, ErrorBody } from './error-body';

const logger = new Logger('HttpError');

/** Sends `exception` in the one error shape; a 5xx is logged, since its body says nothing of the cause. */
export async function sendError(reply: FastifyReply, exception: unknown): Promise<void> {
  const body = loggedErrorBody(exception);
  await reply.status(body.statusCode).send(body);
}

/** sendError for a request answered at the front door, before Fastify (http/front-door.ts): the same body and headers. */
export function sendRawError(response: ServerResponse, exception: unknown): void {
  const body = loggedErrorBody(exception);
  sendRawJson(response, body.statusCode, JSON.stringify(body));
}

function loggedErrorBody(exception: unknown): ErrorBody {
  const body = describeError(exception);
  if (body.statusCode >= 500) logger.error(exception instanceof Error ? exception.stack : String(exception));
  return body;
}

/** Routes under `path` answer errors in `shape` (a compat dialect's) instead. */
export interface PathErrorShape {
  readonly path: RegExp;
  readonly shape: { send(reply: FastifyReply, exception: unknown): void };
}

/**
 * Every error of the native API leaves as `{statusCode, error, message}`. Errors raised before a
 * route's own filters run (Fastify's body parsing, 413, 415) land here too: those on a path another
 * filter owns are handed to it, so each dialect answers in one shape whatever failed.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly byPath: readonly PathErrorShape[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    // Fastify's 413 says only "too large": say by how much the route allows, and which setting.
    this.send(request.url, http.getResponse<FastifyReply>(), isBodyTooLarge(exception) ? bodyTooLarge(request) : exception);
  }

  /** Also Fastify's `frameworkErrors` (a URL that is not UTF-8, an overlong path parameter), which never reach Nest. */
  send(url: string, reply: FastifyReply, exception: unknown): void {
    const owner = this.byPath.find((p) => p.path.test(url));
    if (owner) owner.shape.send(reply, exception);
    else void sendError(reply, exception);
  }
}
