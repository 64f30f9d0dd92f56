import { CommandBus } from '@nestjs/cqrs';
import { keyStreamId, minuteOf } from '@key-service/events';
import { RecordKeyUsageCommand } from '../../apps/key-service/src/keys/using/record-key-usage.command';
import { TestApp } from './test-app';

/**
 * Gives a key the long usage history a hot key builds up: `windows` KeyUsed events of `perWindow`
 * uses each, one minute apart, recorded through the command bus exactly as the usage flusher does.
 * Returns the time of the last use.
 */
export async function recordUsageHistory(
  svc: TestApp,
  key: { readonly id: string; readonly tenant: string },
  windows: number,
  perWindow: number,
): Promise<string> {
  const bus = svc.app.get(CommandBus);
  let lastUsedAt = '';
  for (let i = 0; i < windows; i++) {
    const start = Date.UTC(2026, 0, 1) + i * 60_000;
    lastUsedAt = new Date(start + 59_000).toISOString();
    await bus.execute(new RecordKeyUsageCommand({ streamId: keyStreamId(key.tenant, key.id), count: perWindow, firstUsedAt: new Date(start).toISOString(), lastUsedAt, outcomes: [{ minute: minuteOf(start), counts: { VALID: perWindow } }] }));
  }
  return lastUsedAt;
}
