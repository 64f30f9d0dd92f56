import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { KeyDetailsPgStore } from '@keys/projections';
import { Public } from '../auth/public.decorator';
import { RELAY_STATUS, RelayStatus } from './relay-status.port';

/**
 * Liveness of the event store, and how far behind the store the read models (and the relay) are,
 * in events and in milliseconds. Lag is reported, not judged: a projector catching up is healthy.
 */
@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly details: KeyDetailsPgStore,
    @Inject(RELAY_STATUS) private readonly relay: RelayStatus,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.guard('eventStore', async () => ({ head: await this.store.headPosition() })),
      () =>
        this.guard('projections', async () => {
          const lag = await this.details.lag();
          return { lagEvents: lag.events, lagMs: lag.oldestOccurredAt ? Date.now() - Date.parse(lag.oldestOccurredAt) : 0 };
        }),
      ...(this.relay.enabled ? [() => this.guard('relay', () => this.relay.status())] : []),
    ]);
  }

  private async guard(key: string, measure: () => Promise<Record<string, unknown>>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      return indicator.up(await measure());
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
