import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KeyDetailsPgStore, KeyListPage } from '@keys/projections';
import { decodeCursor } from '../cursor';
import { tenantInScope } from '../key-address.resolver';
import { ListKeysQuery } from './list-keys.query';

@QueryHandler(ListKeysQuery)
export class ListKeysHandler implements IQueryHandler<ListKeysQuery, KeyListPage> {
  constructor(private readonly details: KeyDetailsPgStore) {}

  async execute({ filter, principal }: ListKeysQuery): Promise<KeyListPage> {
    // A tenant-bound key sees its own tenant (naming another is 403); only the root key may choose.
    const tenant = tenantInScope(principal, filter.tenant);
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
