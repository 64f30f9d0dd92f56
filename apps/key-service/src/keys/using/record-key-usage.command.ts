import { Command } from '@nestjs/cqrs';
import { PendingUsage } from './usage.buffer';

export class RecordKeyUsageCommand extends Command<void> {
  constructor(readonly usage: PendingUsage) {
    super();
  }
}
