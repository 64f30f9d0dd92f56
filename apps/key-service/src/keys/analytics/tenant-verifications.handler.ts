import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KeyVerificationsPgStore } from '@keys/projections';
import { tenantInScope } from '../key-address.resolver';
import { TenantVerificationsQuery } from './tenant-verifications.query';
import { TenantVerificationsDto } from './verifications.response.dto';

/** A tenant's verify answers summed over its keys (the root key: every tenant's), with its top keys. */
@QueryHandler(TenantVerificationsQuery)
export class TenantVerificationsHandler implements IQueryHandler<TenantVerificationsQuery, TenantVerificationsDto> {
  constructor(private readonly verifications: KeyVerificationsPgStore) {}

  async execute({ tenant: requested, range, principal }: TenantVerificationsQuery): Promise<TenantVerificationsDto> {
    const tenant = tenantInScope(principal, requested);
    const [buckets, top] = await Promise.all([this.verifications.tenantBuckets(tenant, range), this.verifications.topKeys(tenant, range)]);
    return {
      tenant: tenant ?? null,
      granularity: range.granularity,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      buckets,
      topKeys: {
        byVolume: top.byVolume.map(({ keyId, tenant: t, name, total }) => ({ keyId, tenant: t, name, total })),
        byRejections: top.byRejections.map(({ keyId, tenant: t, name, rejected }) => ({ keyId, tenant: t, name, rejected })),
      },
    };
  }
}
