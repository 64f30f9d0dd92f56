import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { IpAddressWords, KeyHasher, KeyVerifier } from '@key-service/verifier';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { KEY_HASHER, RESOLVED_SECRETS } from '../config/secrets.tokens';
import { callerAddressOf } from './caller-address';
import { ResolvedSecrets } from '../config/local-secrets';
import { declaredAccess } from './access.decorator';
import { presentedKey, RouteMemo } from '@key-service/nestjs';
import { Access, RouteAccess } from './access.decorator';
import { canManage, canManageVault, canRead, canReportLeaks, canReveal, Principal } from './principal';

const ALLOWED: Record<Access, (p: Principal) => boolean> = {
  manage: canManage,
  read: canRead,
  'report-leaks': canReportLeaks,
  reveal: canReveal,
  'manage-vault': canManageVault,
};
const REFUSED: Record<Access, string> = {
  manage: 'This key may not manage keys: it needs the admin role',
  read: 'This key may not read keys: it needs the admin or auditor role',
  'report-leaks': 'This key may not report leaked keys: it needs the admin or security role',
  reveal: 'This key may not reveal keys: it needs the revealer role',
  'manage-vault': 'Only the root key may re-wrap the vault',
};

const MISSING_KEY = 'Missing API key: send it in x-api-key, apiKey or Authorization: Bearer';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * Authenticates management calls with an API key of this service: the root key, or a key with
 * role `admin` (manage its tenant) or `auditor` (read its tenant). Every route is a management
 * route unless it is marked @Public(). Verification of such keys goes
 * through the same verifier as any key, so a revoked admin key stops working at once.
 */
@Injectable()
export class ManagementAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: KeyVerifier,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    @Inject(RESOLVED_SECRETS) private readonly secrets: ResolvedSecrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Each route's declared access, read from its metadata once per route. Deny by default: a route
   * that forgot to declare its access needs the strictest one, so a new controller is never open by
   * omission. Public routes say so with @Public().
   */
  private readonly access = new RouteMemo<RouteAccess>((context) => declaredAccess(this.reflector, context) ?? 'manage');

  /**
   * A plain boolean when no wait was needed (the root key, a public route), so Nest does not pay
   * an async function and its awaits for them; a promise when the key had to be verified.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.access.of(context);
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedKey(request.headers);
    const root = key ? this.rootPrincipal(key) : null;
    if (root) return this.admit(request, access, root);
    if (!key) throw new UnauthorizedException(MISSING_KEY);
    return this.verifiedPrincipal(key, callerAddressOf(request, this.config.trustedProxies)).then((principal) => this.admit(request, access, principal));
  }

  private admit(request: AuthenticatedRequest, access: Access, principal: Principal): boolean {
    if (!ALLOWED[access](principal)) throw new ForbiddenException(REFUSED[access]);
    request.principal = principal;
    return true;
  }

  /** The root principal when `key` is the root key; null for any other key. */
  private rootPrincipal(key: string): Principal | null {
    const hash = Buffer.from(this.hasher.hash(key));
    const root = Buffer.from(this.secrets.rootKeyHash);
    if (hash.length === root.length && timingSafeEqual(hash, root)) return { actor: { type: 'root', id: 'root' }, tenant: null, roles: ['admin'], isRoot: true };
    return null;
  }

  /**
   * The principal of a key that is not the root key. `ip`: the caller's address, which a
   * management key with an IP allowlist must come from (else 401 FORBIDDEN).
   */
  private async verifiedPrincipal(key: string, ip: IpAddressWords | null): Promise<Principal> {
    // Hashed again inside verify (about a microsecond): the verifier takes no caller-supplied hash,
    // so nothing that holds a key's hash, as the read models do, can be verified as that key.
    const result = await this.verifier.verify(key, [], { ip });
    if (!result.valid || !result.keyId || !result.tenant) throw new UnauthorizedException(`API key rejected: ${result.code}`);
    return { actor: { type: 'key', id: result.keyId }, tenant: result.tenant, roles: result.roles ?? [], isRoot: false };
  }
}
