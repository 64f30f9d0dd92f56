import 'reflect-metadata';
import { CanActivate, Controller, ExecutionContext, Get, Injectable, Module, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyGuard, KeyVerificationModule, presentedKey, RequestWithApiKey, RequireKeyRoles } from '@key-service/nestjs';
import { generateSecret, KeyHasher } from '@key-service/verifier';

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

/** The pepper the key service hashes with: KeyVerificationModule gets the same one. */
const PEPPER = process.env.KEY_PEPPER ?? '';

/**
 * The floor of any guard that checks a peppered hash: it takes the presented key from the headers
 * as ApiKeyGuard does (presentedKey) and computes its HMAC-SHA-256 under the pepper with the
 * KeyHasher KeyVerifier hashes with, then admits. No checksum, no lookup, no decision, no usage
 * count: what ApiKeyGuard costs beyond this row is what it does besides hashing.
 */
@Injectable()
class HashOnlyGuard implements CanActivate {
  private readonly hasher = new KeyHasher(PEPPER);
  /** The last digest, kept where the optimiser cannot prove it unused. */
  last = '';

  canActivate(context: ExecutionContext): boolean {
    const key = presentedKey(context.getArgByIndex<RequestWithApiKey>(0).headers);
    if (!key) throw new UnauthorizedException('Missing API key');
    this.last = this.hasher.hash(key);
    return true;
  }
}

let spinState = 0;
/** A dependent chain of integer multiplies: CPU time without memory traffic or native calls. */
function spin(iterations: number): void {
  let x = spinState;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  spinState = x;
}

/**
 * Iterations of SpinGuard's loop that take as long as one KeyHasher.hash, both timed here in a
 * tight loop at start: the same CPU time as the HMAC where nothing else runs between calls.
 */
const SPIN_ITERATIONS = (() => {
  const hasher = new KeyHasher(PEPPER.length >= 16 ? PEPPER : 'calibration-pepper');
  const key = generateSecret('sk').plaintext;
  // The least of several timings: a run the scheduler interrupted only ever reads longer.
  const time = (run: () => void) => {
    run();
    let least = Infinity;
    for (let i = 0; i < 7; i++) {
      const start = process.cpuUsage();
      run();
      const used = process.cpuUsage(start);
      least = Math.min(least, used.user + used.system);
    }
    return least;
  };
  const calls = 5_000;
  const hashMicros = time(() => {
    for (let i = 0; i < calls; i++) hasher.hash(key);
  });
  const spinMicros = time(() => spin(calls * 100));
  return Math.max(1, Math.round((hashMicros / spinMicros) * 100));
})();

/**
 * A guard that admits after burning as much CPU, in a tight loop, as the HMAC takes
 * (SPIN_ITERATIONS), in JavaScript that touches no memory and calls nothing native: what the
 * HMAC would cost the route if its cost in the route were its cost in a loop. Set beside the
 * hash-only row, it tells the HMAC's own time from what its native call costs the rest of the
 * request.
 */
@Injectable()
class SpinGuard implements CanActivate {
  canActivate(): boolean {
    spin(SPIN_ITERATIONS);
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

  @Get('hashed')
  @UseGuards(HashOnlyGuard)
  hashed() {
    return ORDERS;
  }

  @Get('spun')
  @UseGuards(SpinGuard)
  spun() {
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
    providers: [HashOnlyGuard, SpinGuard],
  })
  class ConsumerModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ConsumerModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  const port = Number(env.PORT ?? 3193);
  await app.listen(port, '127.0.0.1');
  process.stdout.write(`guarded consumer (cache ${cacheTtlMs === 0 ? 'off' : 'on'}) listening on ${port}; the spin guard loops ${SPIN_ITERATIONS} times, one HMAC's time\n`);
}

void main();
