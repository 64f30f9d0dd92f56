import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../command-context';
import { ImportKeysResponseDto } from './import-keys.response.dto';

export class ImportKeysCommand extends Command<ImportKeysResponseDto> {
  constructor(
    /** As sent: each is validated on its own, so one bad item fails only itself. */
    readonly items: readonly unknown[],
    readonly context: CommandContext,
  ) {
    super();
  }
}
