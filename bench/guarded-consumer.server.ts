import 'reflect-metadata';
import { CanActivate, Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyGuard, KeyVerificationModule, RequireKeyRoles } from '@key-service/nestjs';

/**
 * A "consuming service" as a team would write one: NestJS 11 on Fastify, KeyVerificationModule
 * mounted, one route guarded by ApiKeyGuard with a required role and the same route unguarded,
 * both through Nest's own request pipeline, so the difference between them is the guard alone.
 * The bench runs one with the module's in-process cache (warm) and one with VERIFY_CACHE_TTL_MS=0,
 * where every guarded request reads the key service's Redis (cold).
 */

/** What both routes answer: the same body, so serialising it costs both the same. */
const ORDERS = { orders: [{ id: 'o-1', total: 42 }] };

/**
 * A guard that admits every request, synchronously: what Nest's guard machinery costs a route
 * (its execution context, its async guard consumer and the awaits around it) before any guard
 * does any work, so the guarded route's cost splits into Nest's and ApiKeyGuard's own.
 */
@Injectable()
class AdmitEveryRequestGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller('orders')
class OrdersController {
  @Get('guarded')
  @UseGuards(ApiKeyGuard)
  @RequireKeyRoles('orders:read')
  guarded() {
    return ORDERS;
  }

  @Get('unguarded')
  unguarded() {
    return ORDERS;
  }

  @Get('admitted')
  @UseGuards(AdmitEveryRequestGuard)
  admitted() {
    return ORDERS;
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const cacheTtlMs = env.VERIFY_CACHE_TTL_MS === undefined ? undefined : Number(env.VERIFY_CACHE_TTL_MS);

  @Module({
    imports: [
      KeyVerificationModule.forRoot({
        redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        pepper: env.KEY_PEPPER ?? '',
        redisKeyPrefix: env.REDIS_KEY_PREFIX,
        databaseUrl: env.DATABASE_URL,
        cacheTtlMs,
      }),
    ],
    controllers: [OrdersController],
  })
  class ConsumerModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ConsumerModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  const port = Number(env.PORT ?? 3193);
  await app.listen(port, '127.0.0.1');
  process.stdout.write(`guarded consumer (cache ${cacheTtlMs === 0 ? 'off' : 'on'}) listening on ${port}\n`);
}

void main();
