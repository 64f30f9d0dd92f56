import { Query } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { Principal } from '../../auth/principal';
import { KeyAddress } from '../key-address';

export class GetKeyQuery extends Query<KeyDetailsView> {
  constructor(
    /** The key as the request names it; KeyAddressResolver settles its tenant. */
    readonly key: KeyAddress,
    readonly principal: Principal,
    /** Replay the key's events up to this instant instead of reading the live model. */
    readonly at?: Date,
  ) {
    super();
  }
}
