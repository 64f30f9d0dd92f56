import { KeyDomainError } from '@keys/domain';
import { KeyCreated, KeyStreamAddress } from '@key-service/events';
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
}

/**
 * Appends every planned key in one round trip, then settles each created one (in force for
 * verifiers, readable by the caller) concurrently, as a single create would before it answers.
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
  return Promise.all(
    changes.map(async (change, i) => {
      if (change === null) return { error: describeError(new KeyDomainError('KEY_ALREADY_EXISTS', `Key '${planned[i].address.keyId}' already exists`)) };
      return { view: await settler.settle(change) };
    }),
  );
}
