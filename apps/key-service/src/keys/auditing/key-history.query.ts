import { Query } from '@nestjs/cqrs';
import { Principal } from '../../auth/principal';
import { AuditEventDto } from './audit-event.dto';

export class KeyHistoryQuery extends Query<AuditEventDto[]> {
  constructor(
    readonly keyId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}
