import { Command } from '@nestjs/cqrs';
import { LeakReport } from '@key-service/events';
import { KeyDetails } from '@keys/projections';
import { CommandContext } from '../command-context';
import { KeyAddress } from '../key-address';

export class RevokeKeyCommand extends Command<KeyDetails> {
  constructor(
    /** The key as the request names it; KeyAddressResolver settles its tenant. */
    readonly key: KeyAddress,
    readonly reason: string | null,
    readonly context: CommandContext,
    /** Set when a leak report asks for the revocation; kept in the KeyRevoked event. */
    readonly leak?: LeakReport,
  ) {
    super();
  }
}
