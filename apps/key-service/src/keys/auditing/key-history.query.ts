import { Query } from '@nestjs/cqrs';
import { Principal } from '../../auth/principal';
import { AuditPageDto } from './audit-event.dto';
import { KeyHistoryQueryDto } from './key-history.query.dto';
import { KeyAddress } from '../key-address';

export class KeyHistoryQuery extends Query<AuditPageDto> {
  constructor(
    /** The key as the request names it; KeyAddressResolver settles its tenant. */
    readonly key: KeyAddress,
    readonly page: KeyHistoryQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}
