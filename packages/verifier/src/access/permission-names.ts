/**
 * A permission a key holds, and a name in a permission query: letters, digits and `. _ - : * /`
 * (Unkey's set), up to 128 characters. `*` is a literal character, never a wildcard: `orders.*`
 * matches only a permission of exactly that name.
 */
export const PERMISSION_PATTERN = /^[A-Za-z0-9._:*/-]{1,128}$/;
export const PERMISSION_PATTERN_MESSAGE = 'each permission must be 1-128 characters of A-Z a-z 0-9 . _ - : * /';

/** At most this many permissions per key: they travel in every validation record. */
export const MAX_KEY_PERMISSIONS = 100;

/** `and` and `or` (any case) are the query's operators, so a permission of that name could never be asked for. */
export function isReservedPermissionName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'and' || lower === 'or';
}

/** What is wrong with a key's permissions as a request gives them (`field` names it in the message), or null. */
export function permissionsProblem(list: unknown, field = 'permissions'): string | null {
  if (!Array.isArray(list)) return `${field} must be an array of permission names`;
  if (list.length > MAX_KEY_PERMISSIONS) return `${field} must list at most ${MAX_KEY_PERMISSIONS} permissions (got ${list.length})`;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (typeof item !== 'string' || !PERMISSION_PATTERN.test(item))
      return `${field}[${i}] must be 1-128 characters of A-Z a-z 0-9 . _ - : * /`;
    if (isReservedPermissionName(item)) return `${field}[${i}]: "${item}" is an operator of permission queries and cannot name a permission`;
  }
  return null;
}

/** Duplicates dropped, order kept: the list as it is recorded. */
export function normalizePermissions(list: readonly string[]): string[] {
  return [...new Set(list)];
}
