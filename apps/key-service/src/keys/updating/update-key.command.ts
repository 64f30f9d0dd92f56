import { Command } from '@nestjs/cqrs';
import { UpdateKeyInput } from '@keys/domain';
import { KeyDetailsView } from '@keys/projections';
import { CommandContext } from '../command-context';

export class UpdateKeyCommand extends Command<KeyDetailsView> {
  constructor(
    readonly keyId: string,
    readonly changes: UpdateKeyInput,
    /** From If-Match: the version the caller last saw; a newer one answers 412. */
    readonly expectedVersion: number | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}
