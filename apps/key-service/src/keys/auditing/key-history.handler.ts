import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, encodeCursor } from '../cursor';
import { requireVisibleKey, requireVisibleTenant } from '../key-visibility';
import { KeyAddressResolver } from '../key-address.resolver';
import { KeyRepository } from '../key.repository';
import { AuditPageDto, toAuditEvent } from './audit-event.dto';
import { KeyHistoryQuery } from './key-history.query';

export const KEY_HISTORY_PAGE_DEFAULT = 100;

/**
 * A key's history a page at a time, by stream version: a key in use records usage every window for
 * as long as it lives, so its whole history is not something one response should carry.
 */
@QueryHandler(KeyHistoryQuery)
export class KeyHistoryHandler implements IQueryHandler<KeyHistoryQuery, AuditPageDto> {
  constructor(
    private readonly keys: KeyRepository,
    private readonly addresses: KeyAddressResolver,
  ) {}

  async execute({ key, page, principal }: KeyHistoryQuery): Promise<AuditPageDto> {
    const address = await this.addresses.resolve(key, principal);
    const { keyId } = address;
    const limit = page.limit ?? KEY_HISTORY_PAGE_DEFAULT;
    const afterVersion = decodeCursor(page.cursor, 'v') ?? 0;
    const events = await this.keys.readEvents(address, { afterVersion, limit: limit + 1 });
    // Every event carries its key's tenant; only a page past the end needs the key loaded to tell
    // "no more events" from "no such key".
    if (events.length > 0) requireVisibleTenant(events[0].tenant, keyId, principal);
    else requireVisibleKey(await this.keys.load(address), keyId, principal);
    const items = events.slice(0, limit);
    return {
      items: items.map(toAuditEvent),
      nextCursor: events.length > limit ? encodeCursor(items[items.length - 1].version, 'v') : null,
    };
  }
}
