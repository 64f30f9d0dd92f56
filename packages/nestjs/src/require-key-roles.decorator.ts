import { SetMetadata } from '@nestjs/common';

export const KEY_ROLES_METADATA = 'key-verification:roles';

/** Roles the presented key must all carry on this route (else 403 INSUFFICIENT_ROLES). */
export const RequireKeyRoles = (...roles: string[]) => SetMetadata(KEY_ROLES_METADATA, roles);
