import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { KeyDetailsPgStore } from '@keys/projections';
import { Public } from '../auth/public.decorator';
import { LAG_SOURCES, LagSource } from './lag-source';
import { KeyServiceMetrics } from './key-service.metrics';

@ApiTags('health')
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(
    private readonly metrics: KeyServiceMetrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly details: KeyDetailsPgStore,
    @Inject(LAG_SOURCES) private readonly lagSources: readonly LagSource[],
  ) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics, text exposition format 0.0.4' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    // Lag is read at scrape time: it is only as fresh as the scrape anyway.
    const head = await this.store.headPosition();
    this.metrics.projectionLag.set({ model: this.details.name }, (await this.details.lag()).events);
    for (const source of this.lagSources) await source.collect(this.metrics, head);
    return this.metrics.registry.metrics();
  }
}
