import { randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext, InternalServerErrorException } from '@nestjs/common';
import { CommandContext } from '../keys/command-context';
import { AuthenticatedRequest } from './management-auth.guard';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The principal the guard authenticated plus a correlation id (the caller's x-correlation-id, or a new one). */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new InternalServerErrorException('Route has no authenticated principal');
  const header = request.headers['x-correlation-id'];
  const given = Array.isArray(header) ? header[0] : header;
  return { principal: request.principal, correlationId: given && CORRELATION_ID.test(given) ? given : randomUUID() };
});
