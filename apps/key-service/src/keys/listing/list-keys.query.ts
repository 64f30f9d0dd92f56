import { Query } from '@nestjs/cqrs';
import { KeyListPage } from '@keys/projections';
import { Principal } from '../../auth/principal';
import { ListKeysQueryDto } from './list-keys.query.dto';

export class ListKeysQuery extends Query<KeyListPage> {
  constructor(
    readonly filter: ListKeysQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}
