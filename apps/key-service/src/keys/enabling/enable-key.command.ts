import { Command } from '@nestjs/cqrs';
import { KeyDetails } from '@keys/projections';
import { CommandContext } from '../command-context';
import { KeyAddress } from '../key-address';

export class EnableKeyCommand extends Command<KeyDetails> {
  constructor(
    /** The key as the request names it; KeyAddressResolver settles its tenant. */
    readonly key: KeyAddress,
    readonly reason: string | null,
    readonly context: CommandContext,
  ) {
    super();
  }
}
