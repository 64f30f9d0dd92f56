import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { requireVisibleKey } from '../key-visibility';
import { KeyRepository } from '../key.repository';
import { AuditEventDto, toAuditEvent } from './audit-event.dto';
import { KeyHistoryQuery } from './key-history.query';

@QueryHandler(KeyHistoryQuery)
export class KeyHistoryHandler implements IQueryHandler<KeyHistoryQuery, AuditEventDto[]> {
  constructor(private readonly keys: KeyRepository) {}

  async execute({ keyId, principal }: KeyHistoryQuery): Promise<AuditEventDto[]> {
    const loaded = await this.keys.loadHistory(keyId);
    requireVisibleKey(loaded, keyId, principal);
    return loaded.events.map(toAuditEvent);
  }
}
