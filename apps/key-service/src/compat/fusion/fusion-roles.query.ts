import { Query } from '@nestjs/cqrs';
import { Principal } from '../../auth/principal';

/** The distinct roles on the keys the principal may see. */
export class FusionRolesQuery extends Query<string[]> {
  constructor(readonly principal: Principal) {
    super();
  }
}
