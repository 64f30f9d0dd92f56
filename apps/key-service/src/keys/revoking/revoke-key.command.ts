import { Command } from '@nestjs/cqrs';
import { KeyDetailsView } from '@keys/projections';
import { CommandContext } from '../command-context';

export class RevokeKeyCommand extends Command<KeyDetailsView> {
  constructor(
    readonly keyId: string,
    readonly reason: string | null,
    readonly context: CommandContext,
  ) {
    super();
  }
}
