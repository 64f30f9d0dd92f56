import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { KeyHasher } from '@keys/secrets';
import { KEY_HASHER, RESOLVED_SECRETS } from '../config/secrets.tokens';
import { ResolvedSecrets } from '../config/local-secrets';
import { KeyVerifier } from '@keys/verification';
import { declaredAccess } from './access.decorator';
import { presentedKey } from '@keys/verification';
import { Access } from './access.decorator';
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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Deny by default: a route that forgot to declare its access needs the strictest one, so a
    // new controller is never open by omission. Public routes say so with @Public().
    const access = declaredAccess(this.reflector, context) ?? 'manage';
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(presentedKey(request.headers));
    if (!ALLOWED[access](principal)) throw new ForbiddenException(REFUSED[access]);
    request.principal = principal;
    return true;
  }

  async authenticate(key: string | null): Promise<Principal> {
    if (!key) throw new UnauthorizedException('Missing API key: send it in x-api-key, apiKey or Authorization: Bearer');
    const hash = Buffer.from(this.hasher.hash(key));
    const root = Buffer.from(this.secrets.rootKeyHash);
    if (hash.length === root.length && timingSafeEqual(hash, root))
      return { actor: { type: 'root', id: 'root' }, tenant: null, roles: ['admin'], isRoot: true };
    const result = await this.verifier.verify(key);
    if (!result.valid || !result.keyId || !result.tenant) throw new UnauthorizedException(`API key rejected: ${result.code}`);
    return { actor: { type: 'key', id: result.keyId }, tenant: result.tenant, roles: result.roles ?? [], isRoot: false };
  }
}
