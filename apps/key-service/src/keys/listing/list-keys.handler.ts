import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KeyDetailsPgStore, KeyListPage } from '@keys/projections';
import { requireOwnTenantUnlessRoot } from '../../auth/named-tenant';
import { decodeCursor } from '../cursor';
import { ListKeysQuery } from './list-keys.query';

@QueryHandler(ListKeysQuery)
export class ListKeysHandler implements IQueryHandler<ListKeysQuery, KeyListPage> {
  constructor(private readonly details: KeyDetailsPgStore) {}

  async execute({ filter, principal }: ListKeysQuery): Promise<KeyListPage> {
    // A tenant-bound key sees its own tenant; only the root key may choose another.
    requireOwnTenantUnlessRoot(principal, filter.tenant);
    const tenant = principal.tenant ?? filter.tenant;
    return this.details.list({
      tenant,
      status: filter.status,
      role: filter.role,
      owner: filter.owner,
      environment: filter.environment,
      after: decodeCursor(filter.cursor),
      limit: filter.limit ?? 50,
    });
  }
}
