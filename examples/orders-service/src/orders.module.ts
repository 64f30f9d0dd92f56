import { DynamicModule, Module } from '@nestjs/common';
import { KeyServiceClient } from '@key-service/client';
import { KeyVerificationModule } from '@key-service/nestjs';
import { ORDERS_CONFIG, OrdersConfig } from './orders.config';
import { OrdersController } from './orders.controller';
import { OwnKeyService } from './own-key.service';
import { RevokedKeysTable } from './revoked-keys.table';

@Module({})
export class OrdersModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return {
      module: OrdersModule,
      imports: [
        // The guard reads the key service's validation model in Redis: no call to it per request.
        KeyVerificationModule.forRoot({ redisUrl: config.redisUrl, pepper: config.pepper, redisKeyPrefix: config.redisKeyPrefix }),
      ],
      controllers: [OrdersController],
      providers: [
        { provide: ORDERS_CONFIG, useValue: config },
        { provide: KeyServiceClient, useValue: new KeyServiceClient({ baseUrl: config.keyServiceUrl, apiKey: config.keyServiceAdminKey }) },
        RevokedKeysTable,
        OwnKeyService,
      ],
    };
  }
}
