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
import { IncomingHttpHeaders } from 'node:http';
import { KeyVerifier } from '../verifying/key-verifier';
import { VerificationUnavailableError } from '../verifying/validation-lookup.port';
import { VerifyResult } from '../verifying/verify-result';
import { presentedKey } from './presented-key';
import { KEY_ROLES_METADATA } from './require-key-roles.decorator';

export const KEY_VERIFIER = Symbol('KEY_VERIFIER');

/** What the guard leaves on the request for handlers: the verified key's id, tenant and roles. */
export type RequestWithApiKey = { headers: IncomingHttpHeaders; apiKey?: VerifyResult };

/**
 * Authenticates a request by the API key it presents (`x-api-key`, `apiKey` or
 * `Authorization: Bearer`), for any NestJS service that mounts KeyVerificationModule.
 * 401 for a key that is not valid, 403 for missing roles, 429 for limits, 503 when undecidable.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(KEY_VERIFIER) private readonly verifier: KeyVerifier,
  ) {}

  /**
   * The roles a route requires, read from its metadata once per handler and class: metadata is
   * fixed when the app starts, and reading it (two reflections) on every request cost the guarded
   * route a share of its throughput. Keyed by class, then handler: an inherited handler can be
   * mounted by two controllers whose class-level roles differ.
   */
  private readonly roles = new WeakMap<object, WeakMap<object, readonly string[]>>();

  private rolesOf(context: ExecutionContext): readonly string[] {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.roles.get(controller);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.roles.set(controller, byHandler);
    }
    let roles = byHandler.get(handler);
    if (!roles) {
      roles = Object.freeze([...(this.reflector.getAllAndOverride<string[] | undefined>(KEY_ROLES_METADATA, [handler, controller]) ?? [])]);
      byHandler.set(handler, roles);
    }
    return roles;
  }

  /**
   * Synchronous when the verifier decides without waiting (a warm cache, a key without limits):
   * Nest then goes on without awaiting the guard, which was a good part of what the guard cost a
   * route beyond the decision itself.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithApiKey>();
    const key = presentedKey(request.headers);
    if (!key) throw new UnauthorizedException('Missing API key: send it in x-api-key, apiKey or Authorization: Bearer');
    const roles = this.rolesOf(context);
    let result: VerifyResult | Promise<VerifyResult>;
    try {
      result = this.verifier.verifyEagerly(key, roles);
    } catch (error) {
      throw unavailable(error);
    }
    if (result instanceof Promise)
      return result.then(
        (settled) => admit(request, settled, roles),
        (error: unknown) => {
          throw unavailable(error);
        },
      );
    return admit(request, result, roles);
  }
}

/** A verify that could not be decided is a 503; anything else is not ours to translate. */
function unavailable(error: unknown): unknown {
  return error instanceof VerificationUnavailableError ? new ServiceUnavailableException('Key verification is temporarily unavailable') : error;
}

/** Leaves a valid key's answer on the request; refuses anything else with its status. */
function admit(request: RequestWithApiKey, result: VerifyResult, roles: readonly string[]): true {
  if (result.valid) {
    request.apiKey = result;
    return true;
  }
  switch (result.code) {
    case 'INSUFFICIENT_ROLES':
      throw new ForbiddenException(`API key lacks a required role (${roles.join(', ')})`);
    case 'RATE_LIMITED':
      throw new HttpException('API key rate limit exceeded', HttpStatus.TOO_MANY_REQUESTS);
    case 'USAGE_EXCEEDED':
      throw new HttpException('API key usage quota exhausted', HttpStatus.TOO_MANY_REQUESTS);
    default:
      throw new UnauthorizedException(`API key rejected: ${result.code}`);
  }
}
