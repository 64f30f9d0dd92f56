import { Query } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { Principal } from '../../auth/principal';

export class GetKeyQuery extends Query<KeyDetailsView> {
  constructor(
    readonly keyId: string,
    readonly principal: Principal,
    /** Replay the key's events up to this instant instead of reading the live model. */
    readonly at?: Date,
  ) {
    super();
  }
}
