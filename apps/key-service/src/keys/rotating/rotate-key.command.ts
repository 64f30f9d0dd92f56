import { Command } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { CommandContext } from '../command-context';

export interface RotatedKey {
  readonly view: KeyDetailsView;
  readonly plaintext: string;
  /** Until when the previous secret still verifies; null when it stopped at once. */
  readonly previousValidUntil: string | null;
}

export class RotateKeyCommand extends Command<RotatedKey> {
  constructor(
    readonly keyId: string,
    readonly gracePeriodSeconds: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}
