import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IpRange } from '@key-service/verifier';
import { IncomingHttpHeaders } from 'node:http';
import { KeyVerifier, VerificationUnavailableError, VerifyResult } from '@key-service/verifier';
import { presentedKey } from './presented-key';
import { KEY_ROLES_METADATA } from './require-key-roles.decorator';
import { clientAddressOf } from './client-address';
import { KEY_PERMISSIONS_METADATA, RequiredKeyPermissions } from './require-key-permissions.decorator';

export const KEY_VERIFIER = Symbol('KEY_VERIFIER');
/** The trusted proxies' ranges (IpRange[]): whose X-Forwarded-For the guard believes. */
export const TRUSTED_PROXY_RANGES = Symbol('TRUSTED_PROXY_RANGES');

type Socket = { remoteAddress?: string };

/**
 * What the guard leaves on the request for handlers: the verified key's id, tenant and roles. The
 * socket is Express's `request.socket` or Fastify's `request.raw.socket`.
 */
export type RequestWithApiKey = { headers: IncomingHttpHeaders; socket?: Socket; raw?: { socket?: Socket }; apiKey?: VerifyResult };

/**
 * Authenticates a request by the API key it presents (`x-api-key`, `apiKey` or
 * `Authorization: Bearer`), for any NestJS service that mounts KeyVerificationModule.
 * 401 for a key that is not valid, 403 for an address outside the key's allowlist (FORBIDDEN) or
 * missing roles or permissions, 429 for limits, 503 when undecidable.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(KEY_VERIFIER) private readonly verifier: KeyVerifier,
    @Inject(TRUSTED_PROXY_RANGES) private readonly trustedProxies: readonly IpRange[],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithApiKey>();
    const key = presentedKey(request.headers);
    if (!key) throw new UnauthorizedException('Missing API key: send it in x-api-key, apiKey or Authorization: Bearer');
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(KEY_ROLES_METADATA, [context.getHandler(), context.getClass()]) ?? [];
    const permissions = this.reflector.getAllAndOverride<RequiredKeyPermissions | undefined>(KEY_PERMISSIONS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const socket = request.socket ?? request.raw?.socket;
    const ip = clientAddressOf(socket?.remoteAddress, request.headers['x-forwarded-for'], this.trustedProxies);
    let result: VerifyResult;
    try {
      result = await this.verifier.verify(key, roles, { ip, permissions: permissions?.parsed });
    } catch (error) {
      if (error instanceof VerificationUnavailableError) throw new ServiceUnavailableException('Key verification is temporarily unavailable');
      throw error;
    }
    if (result.valid) {
      request.apiKey = result;
      return true;
    }
    switch (result.code) {
      case 'FORBIDDEN':
        throw new ForbiddenException('API key may not be used from this address');
      case 'INSUFFICIENT_ROLES':
        throw new ForbiddenException(`API key lacks a required role (${roles.join(', ')})`);
      case 'INSUFFICIENT_PERMISSIONS':
        throw new ForbiddenException(`API key lacks the permissions this route requires (${permissions?.query ?? ''})`);
      case 'RATE_LIMITED':
        throw new HttpException('API key rate limit exceeded', HttpStatus.TOO_MANY_REQUESTS);
      case 'USAGE_EXCEEDED':
        throw new HttpException('API key usage quota exhausted', HttpStatus.TOO_MANY_REQUESTS);
      default:
        throw new UnauthorizedException(`API key rejected: ${result.code}`);
    }
  }
}
