import { IpAddressWords, ipInRanges } from '../access/ip-allowlist';
import { ValidationRecord } from '../validation/validation-record';
import { PermissionQuery } from '../permissions/permission-query';
import { permissionQueryMet, permissionSetOf } from '../permissions/permission-query.evaluator';

/**
 * What a verify knows of the request beyond the key, each already parsed by the caller (once per
 * request, or once per route for a guard's query): the checks below only compare.
 */
export interface VerifyAccess {
  /** The caller's address (parseClientAddress); absent: unknown, which a key with an allowlist refuses. */
  readonly ip?: IpAddressWords | null;
  /** A permission query the key's permissions must satisfy. */
  readonly permissions?: PermissionQuery | null;
}

export const NO_ACCESS_CONTEXT: VerifyAccess = {};

/** FORBIDDEN: the key has an allowlist and the caller's address is outside it, or unknown (fail closed). */
export function ipForbidden(record: ValidationRecord, ip: IpAddressWords | null | undefined): boolean {
  const ranges = record.ipRanges;
  if (!ranges) return false;
  return !ip || !ipInRanges(ip, ranges);
}

/** INSUFFICIENT_PERMISSIONS: a query was asked and the key's permissions do not satisfy it. */
export function permissionsUnmet(record: ValidationRecord, query: PermissionQuery | null | undefined): boolean {
  return !!query && !permissionQueryMet(query, permissionSetOf(record));
}
