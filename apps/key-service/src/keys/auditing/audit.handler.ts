import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { keyStreamId, upcastKeyEvent } from '@key-service/events';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { decodeCursor, encodeCursor } from '../cursor';
import { KeyAddressResolver, tenantInScope } from '../key-address.resolver';
import { AuditPageDto, toAuditEvent } from './audit-event.dto';
import { AuditQuery } from './audit.query';

/** The audit trail is read from the event store itself: the record of what happened, not a copy. */
@QueryHandler(AuditQuery)
export class AuditHandler implements IQueryHandler<AuditQuery, AuditPageDto> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly addresses: KeyAddressResolver,
  ) {}

  async execute({ filter, principal }: AuditQuery): Promise<AuditPageDto> {
    const limit = filter.limit ?? 100;
    let tenant = tenantInScope(principal, filter.tenant);
    if (filter.keyId !== undefined && tenant === undefined) {
      // The root key filtering by an id without a tenant: ids are unique per tenant only.
      const only = await this.addresses.onlyTenantOf(filter.keyId);
      if (only === null) return { items: [], nextCursor: null };
      tenant = only;
    }
    const events = await this.store.queryEvents({
      tenant,
      streamId: filter.keyId !== undefined && tenant !== undefined ? keyStreamId(tenant, filter.keyId) : undefined,
      type: filter.type,
      actorId: filter.actor,
      from: filter.from,
      to: filter.to,
      afterPosition: decodeCursor(filter.cursor),
      limit: limit + 1,
    });
    const page = events.slice(0, limit);
    return {
      items: page.map((e) => toAuditEvent(upcastKeyEvent(e))),
      nextCursor: events.length > limit ? encodeCursor(page[page.length - 1].position) : null,
    };
  }
}
