import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KeyDomainError } from '@keys/domain';
import { KeyDetailsPgStore, KeyDetailsView } from '@keys/projections';
import { seesTenant } from '../../auth/principal';
import { requireVisibleKey } from '../key-visibility';
import { viewFromEvents } from '../key-view';
import { KeyAddressResolver } from '../key-address.resolver';
import { KeyRepository } from '../key.repository';
import { GetKeyQuery } from './get-key.query';

@QueryHandler(GetKeyQuery)
export class GetKeyHandler implements IQueryHandler<GetKeyQuery, KeyDetailsView> {
  constructor(
    private readonly details: KeyDetailsPgStore,
    private readonly keys: KeyRepository,
    private readonly addresses: KeyAddressResolver,
  ) {}

  async execute({ key, principal, at }: GetKeyQuery): Promise<KeyDetailsView> {
    const address = await this.addresses.resolve(key, principal);
    const { keyId } = address;
    const notFound = new KeyDomainError('KEY_NOT_FOUND', `Key '${keyId}' not found`);
    if (at) {
      const loaded = await this.keys.loadHistory(address);
      requireVisibleKey(loaded, keyId, principal);
      const view = viewFromEvents(loaded.events.filter((e) => Date.parse(e.occurredAt) <= at.getTime()));
      if (!view) throw new KeyDomainError('KEY_NOT_FOUND', `Key '${keyId}' did not exist at ${at.toISOString()}`);
      return view;
    }
    const view = await this.details.get(address.tenant, keyId);
    if (!view || !seesTenant(principal, view.tenant)) throw notFound;
    return view;
  }
}
