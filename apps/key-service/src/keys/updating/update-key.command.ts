import { Command } from '@nestjs/cqrs';
import { UpdateKeyInput } from '@keys/domain';
import { KeyDetails } from '@keys/projections';
import { CommandContext } from '../command-context';
import { KeyAddress } from '../key-address';

export class UpdateKeyCommand extends Command<KeyDetails> {
  constructor(
    /** The key as the request names it; KeyAddressResolver settles its tenant. */
    readonly key: KeyAddress,
    readonly changes: UpdateKeyInput,
    /** From If-Match: the version the caller last saw; a newer one answers 412. */
    readonly expectedVersion: number | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}
