import { Query } from '@nestjs/cqrs';
import { VerificationRange } from '@keys/projections';
import { Principal } from '../../auth/principal';
import { TenantVerificationsDto } from './verifications.response.dto';

export class TenantVerificationsQuery extends Query<TenantVerificationsDto> {
  constructor(
    /** `?tenant=`, which only the root key may set to another tenant than its own. */
    readonly tenant: string | undefined,
    readonly range: VerificationRange,
    readonly principal: Principal,
  ) {
    super();
  }
}
