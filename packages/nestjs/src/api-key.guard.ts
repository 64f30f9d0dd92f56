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
import { callerBehind, peerAddressOf, PeerSocket } from './client-address';
import { RouteMemo } from './route-memo';
import { KEY_PERMISSIONS_METADATA, RequiredKeyPermissions } from './require-key-permissions.decorator';

export const KEY_VERIFIER = Symbol('KEY_VERIFIER');
/** The trusted proxies' ranges (IpRange[]): whose X-Forwarded-For the guard believes. */
export const TRUSTED_PROXY_RANGES = Symbol('TRUSTED_PROXY_RANGES');

/** What a route asks of the key, from its decorators. */
interface RouteRequirements {
  readonly roles: readonly string[];
  readonly permissions: RequiredKeyPermissions | undefined;
}

/**
 * What the guard leaves on the request for handlers: the verified key's id, tenant and roles. The
 * socket is Express's `request.socket` or Fastify's `request.raw.socket`.
 */
export type RequestWithApiKey = { headers: IncomingHttpHeaders; socket?: PeerSocket; raw?: { socket?: PeerSocket }; apiKey?: VerifyResult };

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

  /** What a route requires (roles, permission query), read from its metadata once per route. */
  private readonly requirements = new RouteMemo<RouteRequirements>((context) =>
    Object.freeze({
      roles: Object.freeze([...(this.reflector.getAllAndOverride<string[] | undefined>(KEY_ROLES_METADATA, [context.getHandler(), context.getClass()]) ?? [])]),
      permissions: this.reflector.getAllAndOverride<RequiredKeyPermissions | undefined>(KEY_PERMISSIONS_METADATA, [context.getHandler(), context.getClass()]),
    }),
  );

  /**
   * Synchronous when the verifier decides without waiting (a warm cache, a key without limits):
   * Nest then goes on without awaiting the guard, which was a good part of what the guard cost a
   * route beyond the decision itself.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // The request is the first argument of an HTTP context: what switchToHttp().getRequest()
    // returns, without the object and closures switchToHttp() makes on every call.
    const request = context.getArgByIndex<RequestWithApiKey>(0);
    const key = presentedKey(request.headers);
    if (!key) throw new UnauthorizedException('Missing API key: send it in x-api-key, apiKey or Authorization: Bearer');
    const requirements = this.requirements.of(context);
    const ip = callerBehind(peerAddressOf(request.socket ?? request.raw?.socket), request.headers['x-forwarded-for'], this.trustedProxies);
    let result: VerifyResult | Promise<VerifyResult>;
    try {
      result = this.verifier.verifyEagerly(key, requirements.roles, { ip, permissions: requirements.permissions?.parsed });
    } catch (error) {
      throw unavailable(error);
    }
    if (result instanceof Promise)
      return result.then(
        (settled) => admit(request, settled, requirements),
        (error: unknown) => {
          throw unavailable(error);
        },
      );
    return admit(request, result, requirements);
  }
}

/** A verify that could not be decided is a 503; anything else is not ours to translate. */
function unavailable(error: unknown): unknown {
  return error instanceof VerificationUnavailableError ? new ServiceUnavailableException('Key verification is temporarily unavailable') : error;
}

/** Leaves a valid key's answer on the request; refuses anything else with its status. */
function admit(request: RequestWithApiKey, result: VerifyResult, { roles, permissions }: RouteRequirements): true {
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
