import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, RequestWithApiKey, RequireKeyRoles } from '@key-service/nestjs';
import { OwnKeyService } from './own-key.service';
import { RevokedKey, RevokedKeysTable } from './revoked-keys.table';

@Controller()
export class OrdersController {
  constructor(
    private readonly revokedKeys: RevokedKeysTable,
    private readonly ownKey: OwnKeyService,
  ) {}

  /** Only callers whose key has the role `orders:read`. */
  @Get('orders')
  @UseGuards(ApiKeyGuard)
  @RequireKeyRoles('orders:read')
  orders(@Req() request: RequestWithApiKey): { caller: string | undefined; tenant: string | undefined; orders: string[] } {
    return { caller: request.apiKey?.keyId, tenant: request.apiKey?.tenant, orders: ['order-1', 'order-2'] };
  }

  /** The table the events built. Unguarded here for the example's sake; it holds no secret. */
  @Get('revoked-keys')
  revoked(): RevokedKey[] {
    return this.revokedKeys.list();
  }

  @Get('own-key')
  own(): Promise<{ id: string | null; valid: boolean; roles: readonly string[] }> {
    return this.ownKey.describe();
  }
}
