import { QueryBus } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { Principal } from '../auth/principal';
import { encodeCursor } from '../keys/cursor';
import { ListKeysQuery } from '../keys/listing/list-keys.query';
import { ListKeysQueryDto } from '../keys/listing/list-keys.query.dto';

/** The largest page the native list query allows. */
const PAGE_SIZE = 200;

/**
 * Every key the principal may see, through the native ListKeysQuery page by page: Fusion and
 * Lumino list without pagination, so the compat routes walk the cursor on the client's behalf.
 */
export async function listAllKeys(
  queryBus: QueryBus,
  principal: Principal,
  filter: Omit<ListKeysQueryDto, 'cursor' | 'limit'> = {},
): Promise<KeyDetailsView[]> {
  const all: KeyDetailsView[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await queryBus.execute(new ListKeysQuery({ ...filter, cursor, limit: PAGE_SIZE }, principal));
    all.push(...page.items);
    if (page.next === null) return all;
    cursor = encodeCursor(page.next) ?? undefined;
  }
}
