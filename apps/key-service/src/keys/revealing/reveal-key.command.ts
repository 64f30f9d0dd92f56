import { Command } from '@nestjs/cqrs';
import { KeyDetails } from '@keys/projections';
import { CommandContext } from '../command-context';
import { KeyAddress } from '../key-address';

export interface RevealedKey {
  readonly view: KeyDetails;
  /** The plaintext, for this one response only. */
  readonly plaintext: string;
}

export class RevealKeyCommand extends Command<RevealedKey> {
  constructor(
    /** The key as the request names it; KeyAddressResolver settles its tenant. */
    readonly key: KeyAddress,
    /** The HTTP request's id (`req.id` in the request log), kept in the KeyRevealed event. */
    readonly requestId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
