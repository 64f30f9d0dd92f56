import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { Principal } from '../../auth/principal';

const ACCOUNT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const USER_ID = /^[^\s/]{1,128}$/;

/**
 * The tenant a Fireworks path addresses: its account_id. The root key may use any account; a
 * tenant-bound key only its own, and another account is 403 PERMISSION_DENIED whether or not it
 * has keys, so the answer tells nothing about other accounts.
 */
export function tenantOfAccount(principal: Principal, accountId: string): string {
  if (!ACCOUNT_ID.test(accountId)) throw new BadRequestException('account_id must be 1-64 characters of A-Z a-z 0-9 . _ -');
  if (!principal.isRoot && principal.tenant !== accountId)
    throw new ForbiddenException(`Permission denied on account '${accountId}'`);
  return accountId;
}

/** The owner a Fireworks path addresses: its user_id, as given. */
export function ownerOfUser(userId: string): string {
  if (!USER_ID.test(userId)) throw new BadRequestException('user_id must be 1-128 characters without spaces or slashes');
  return userId;
}
