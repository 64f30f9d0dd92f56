import { Actor } from '@key-service/events';

export type ManagementRole = 'admin' | 'auditor' | 'security';

/** Who is calling a management route. The root key spans tenants; a key is bound to its own. */
export interface Principal {
  readonly actor: Actor;
  /** null for the root key: every tenant. */
  readonly tenant: string | null;
  readonly roles: readonly string[];
  readonly isRoot: boolean;
}

export function canManage(p: Principal): boolean {
  return p.isRoot || p.roles.includes('admin');
}

export function canRead(p: Principal): boolean {
  return canManage(p) || p.roles.includes('auditor');
}

/** True when the principal may see a key of `tenant`; others' keys must look absent (404). */
export function seesTenant(p: Principal, tenant: string): boolean {
  return p.tenant === null || p.tenant === tenant;
}

/** May report leaked plaintexts (POST /v1/keys/leaks): a company's scanner holds `security` and nothing more. */
export function canReportLeaks(p: Principal): boolean {
  return canManage(p) || p.roles.includes('security');
}
