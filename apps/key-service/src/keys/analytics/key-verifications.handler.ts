import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KeyDetailsPgStore, KeyVerificationsPgStore } from '@keys/projections';
import { requireVisibleTenant } from '../key-visibility';
import { KeyAddressResolver } from '../key-address.resolver';
import { KeyVerificationsQuery } from './key-verifications.query';
import { KeyVerificationsDto } from './verifications.response.dto';

/** One key's verify answers per bucket; a key the caller may not see is a 404 like a missing one. */
@QueryHandler(KeyVerificationsQuery)
export class KeyVerificationsHandler implements IQueryHandler<KeyVerificationsQuery, KeyVerificationsDto> {
  constructor(
    private readonly details: KeyDetailsPgStore,
    private readonly verifications: KeyVerificationsPgStore,
    private readonly addresses: KeyAddressResolver,
  ) {}

  async execute({ key, range, principal }: KeyVerificationsQuery): Promise<KeyVerificationsDto> {
    const { tenant, keyId } = await this.addresses.resolve(key, principal);
    const view = await this.details.get(tenant, keyId);
    requireVisibleTenant(view?.tenant ?? null, keyId, principal);
    return {
      keyId,
      tenant,
      granularity: range.granularity,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      buckets: await this.verifications.keyBuckets(tenant, keyId, range),
    };
  }
}
