import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { KeyDetailsPgStore } from '@keys/projections';
import { RequireAccess } from '../auth/access.decorator';

@ApiTags('health')
@Controller('health')
@RequireAccess('public')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly details: KeyDetailsPgStore,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        try {
          return indicator.up({ head: await this.store.headPosition() });
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
      async () => {
        const indicator = this.indicators.check('projections');
        const [head, checkpoint] = await Promise.all([this.store.headPosition(), this.details.checkpoint()]);
        // Positions can have gaps (rolled-back appends), so this is an upper bound on events behind.
        return indicator.up({ checkpoint, lagPositions: Math.max(0, head - checkpoint) });
      },
    ]);
  }
}
