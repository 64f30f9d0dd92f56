import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { upcastKeyEvent } from '@keys/domain';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { decodeCursor, encodeCursor } from '../cursor';
import { AuditPageDto, toAuditEvent } from './audit-event.dto';
import { AuditQuery } from './audit.query';

/** The audit trail is read from the event store itself: the record of what happened, not a copy. */
@QueryHandler(AuditQuery)
export class AuditHandler implements IQueryHandler<AuditQuery, AuditPageDto> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ filter, principal }: AuditQuery): Promise<AuditPageDto> {
    const limit = filter.limit ?? 100;
    const events = await this.store.queryEvents({
      tenant: principal.tenant ?? undefined,
      streamId: filter.keyId,
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
