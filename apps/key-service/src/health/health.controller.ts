import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { KafkaEventRelay } from '@keys/messaging';
import { KeyDetailsPgStore } from '@keys/projections';
import { Public } from '../auth/public.decorator';
import { KAFKA_RELAY } from '../persistence/tokens';

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
    @Optional() @Inject(KAFKA_RELAY) private readonly relay: KafkaEventRelay | null,
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
      ...(this.relay
        ? [
            () =>
              this.guard('relay', async () => {
                const lag = await this.relay!.lag();
                return { active: this.relay!.active, checkpoint: lag.checkpoint, lagEvents: lag.events, lagMs: lag.ms };
              }),
          ]
        : []),
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
