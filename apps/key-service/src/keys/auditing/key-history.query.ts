import { Query } from '@nestjs/cqrs';
import { Principal } from '../../auth/principal';
import { AuditPageDto } from './audit-event.dto';
import { KeyHistoryQueryDto } from './key-history.query.dto';

export class KeyHistoryQuery extends Query<AuditPageDto> {
  constructor(
    readonly keyId: string,
    readonly page: KeyHistoryQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}
