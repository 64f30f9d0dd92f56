import { Command } from '@nestjs/cqrs';
import { KeyDetails } from '@keys/projections';
import { CommandContext } from '../command-context';
import { KeyAddress } from '../key-address';

export interface RotatedKey {
  readonly view: KeyDetails;
  readonly plaintext: string;
  /** Until when the previous secret still verifies; null when it stopped at once. */
  readonly previousValidUntil: string | null;
}

export class RotateKeyCommand extends Command<RotatedKey> {
  constructor(
    /** The key as the request names it; KeyAddressResolver settles its tenant. */
    readonly key: KeyAddress,
    readonly gracePeriodSeconds: number,
    readonly context: CommandContext,
    /** Seal the new plaintext in the vault. */
    readonly recoverable = false,
  ) {
    super();
  }
}
