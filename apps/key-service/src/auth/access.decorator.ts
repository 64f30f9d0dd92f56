import { SetMetadata } from '@nestjs/common';

export type Access = 'manage' | 'read' | 'public';
export const ACCESS_METADATA = 'key-service:access';

/** What a route needs: `manage` (root or admin), `read` (also auditor), `public` (no management key). */
export const RequireAccess = (access: Access) => SetMetadata(ACCESS_METADATA, access);
