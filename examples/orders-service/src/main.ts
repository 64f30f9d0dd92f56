import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadOrdersConfig } from './orders.config';
import { OrdersModule } from './orders.module';

async function main(): Promise<void> {
  const config = loadOrdersConfig();
  const app = await NestFactory.create<NestFastifyApplication>(OrdersModule.forRoot(config), new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(config.port, '127.0.0.1');
  // The line a supervisor (or the example's test) waits for.
  console.log(`orders-service listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
