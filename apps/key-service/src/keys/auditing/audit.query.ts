import { Query } from '@nestjs/cqrs';
import { Principal } from '../../auth/principal';
import { AuditPageDto } from './audit-event.dto';
import { AuditQueryDto } from './audit.query.dto';

export class AuditQuery extends Query<AuditPageDto> {
  constructor(
    readonly filter: AuditQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}
