import { KeyDomainError } from '@keys/domain';
import { KeyCreated, KeyStreamAddress } from '@key-service/events';
import { SealedSecret } from '@keys/secrets';
import { KeyDetails } from '@keys/projections';
import { describeError, ErrorBody } from '../errors/error-body';
import { CommandContext } from './command-context';
import { KeyChangeSettler } from './key-change.settler';
import { KeyRepository } from './key.repository';

export interface PlannedKey {
  /** The item's place in the request. */
  readonly index: number;
  readonly address: KeyStreamAddress;
  readonly created: KeyCreated;
  /** A recoverable key's sealed secret, stored in the append's transaction. */
  readonly sealed?: SealedSecret;
}

/**
 * Appends every planned key in one round trip, then settles the created ones together (in force
 * for verifiers, readable by the caller), as a single create would before it answers, with the
 * read models' writes shared (KeyChangeSettler.settleMany).
 * Per planned key, in order: its view, or the error a single create of an existing key gives.
 */
export async function createKeysInOneAppend(
  keys: KeyRepository,
  settler: KeyChangeSettler,
  planned: readonly PlannedKey[],
  context: CommandContext,
  now: Date,
): Promise<Array<{ readonly view: KeyDetails } | { readonly error: ErrorBody }>> {
  if (planned.length === 0) return [];
  const changes = await keys.createMany(planned, context, now);
  const created = changes.filter((c): c is NonNullable<typeof c> => c !== null);
  const views = await settler.settleMany(created);
  let next = 0;
  return changes.map((change, i) =>
    change === null
      ? { error: describeError(new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${planned[i].address.keyId}' already exists`)) }
      : { view: views[next++] },
  );
}
