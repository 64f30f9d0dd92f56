import { Query } from '@nestjs/cqrs';
import { VerificationRange } from '@keys/projections';
import { Principal } from '../../auth/principal';
import { KeyAddress } from '../key-address';
import { KeyVerificationsDto } from './verifications.response.dto';

export class KeyVerificationsQuery extends Query<KeyVerificationsDto> {
  constructor(
    readonly key: KeyAddress,
    readonly range: VerificationRange,
    readonly principal: Principal,
  ) {
    super();
  }
}
