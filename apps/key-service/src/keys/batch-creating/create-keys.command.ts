import { Command } from '@nestjs/cqrs';
import { KeyDetails } from '@keys/projections';
import { ErrorBody } from '../../errors/error-body';
import { CommandContext } from '../command-context';

/** One item's outcome, in the request's order: the created key with its plaintext, or why it failed. */
export type CreateKeysItemResult = { readonly view: KeyDetails; readonly plaintext: string } | { readonly error: ErrorBody };

export class CreateKeysCommand extends Command<CreateKeysItemResult[]> {
  constructor(
    /** As sent: each is validated on its own, so one bad item fails only itself. */
    readonly items: readonly unknown[],
    readonly context: CommandContext,
  ) {
    super();
  }
}
