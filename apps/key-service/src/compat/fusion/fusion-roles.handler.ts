import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KeyDetailsPgStore } from '@keys/projections';
import { FusionRolesQuery } from './fusion-roles.query';

/** Reads the same query model as every list: no role catalogue of its own. */
@QueryHandler(FusionRolesQuery)
export class FusionRolesHandler implements IQueryHandler<FusionRolesQuery, string[]> {
  constructor(private readonly details: KeyDetailsPgStore) {}

  execute({ principal }: FusionRolesQuery): Promise<string[]> {
    // A tenant-bound key sees its tenant's roles; the root key sees every tenant's.
    return this.details.roles(principal.tenant ?? undefined);
  }
}
