import { BadRequestException } from '@nestjs/common';
import { parseClientAddress } from '@key-service/verifier';
import { NO_ACCESS_CONTEXT, PermissionQueryCache, PermissionQueryError, VerifyAccess } from '@key-service/verifier';

export const CLIENT_ADDRESS_MESSAGE = 'ip must be an IPv4 address (four decimal parts) or an IPv6 address';

/**
 * The access context of a verify request: its `ip`, parsed once here (the key's allowlist was
 * parsed when its record was built), and its `permissions` query, parsed once per distinct text
 * (the cache). A body with neither costs nothing. Bad input is a 400 naming the field, and for a
 * query the position: `permissions: unexpected ")" at position 14: …`.
 */
export function verifyAccessOf(body: { ip?: string | null; permissions?: string | null }, queries: PermissionQueryCache): VerifyAccess {
  const { ip, permissions } = body;
  if ((ip === undefined || ip === null) && (permissions === undefined || permissions === null)) return NO_ACCESS_CONTEXT;
  let address: VerifyAccess['ip'] = null;
  if (ip !== undefined && ip !== null) {
    address = parseClientAddress(ip);
    if (!address) throw new BadRequestException(CLIENT_ADDRESS_MESSAGE);
  }
  if (permissions === undefined || permissions === null) return { ip: address };
  try {
    return { ip: address, permissions: queries.get(permissions) };
  } catch (error) {
    if (error instanceof PermissionQueryError) throw new BadRequestException(`permissions: ${error.message}`);
    throw error;
  }
}
