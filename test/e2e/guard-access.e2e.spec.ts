import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PermissionQueryError } from '@key-service/verifier';
import { ApiKeyGuard, KeyVerificationModule, RequireKeyPermissions } from '@key-service/nestjs';
import { DistributedStack, distributedStack } from '../support/distributed-stack';
import { startTestApp, TEST_PEPPER, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

@Controller('orders')
@UseGuards(ApiKeyGuard)
class OrdersController {
  @Get()
  @RequireKeyPermissions('(orders.read OR orders.write) AND billing.read')
  list(): { orders: string[] } {
    return { orders: [] };
  }

  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }
}

/**
 * Another service's ApiKeyGuard on the key service's real Redis: it passes the caller's address
 * (the socket's, or X-Forwarded-For behind a trusted proxy) and a route's permission query to the
 * same verifier, so allowlists and queries decide there exactly as at POST /v1/keys/verify.
 */
describe('ApiKeyGuard: IP allowlists and permission queries', () => {
  let stack: DistributedStack;
  let keyService: TestApp;
  /** Listens on `::` (IPv4 callers arrive as ::ffff:a.b.c.d); trusts no proxy. */
  let direct: NestFastifyApplication;
  /** Trusts 127.0.0.1 and ::1 as its proxies, so reads X-Forwarded-For from them. */
  let proxied: NestFastifyApplication;
  let directPort: number;
  let proxiedPort: number;

  async function guardedApp(trustedProxies: string[] | undefined): Promise<[NestFastifyApplication, number]> {
    @Module({
      imports: [
        KeyVerificationModule.forRoot({
          redisUrl: stack.env.REDIS_URL,
          pepper: TEST_PEPPER,
          redisKeyPrefix: stack.redisKeyPrefix,
          databaseUrl: stack.env.DATABASE_URL,
          trustedProxies,
        }),
      ],
      controllers: [OrdersController],
    })
    class OrdersModule {}
    const app = await NestFactory.create<NestFastifyApplication>(OrdersModule, new FastifyAdapter(), { logger: false });
    await app.listen(0, '::');
    return [app, (app.getHttpServer().address() as { port: number }).port];
  }

  beforeAll(async () => {
    stack = await distributedStack('guard_access');
    keyService = await startTestApp(stack.env);
    await stack.startProjector();
    [direct, directPort] = await guardedApp(undefined);
    [proxied, proxiedPort] = await guardedApp(['127.0.0.1', '::1']);
  });

  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
    await keyService?.close();
    await stack?.stop();
  });

  const create = async (body: Record<string, unknown>): Promise<string> => {
    const created = await keyService.request('POST', '/v1/keys', { body: { name: 'orders client', ...body } });
    expect(created.status).toBe(201);
    return created.body.key;
  };
  const call = async (url: string, key: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers: { 'x-api-key': key, ...headers } });
    return { status: response.status, message: ((await response.json()) as { message?: string }).message };
  };
  const directly = (host: string, path = '/orders/open') => `http://${host}:${directPort}${path}`;
  const viaProxy = (path = '/orders/open') => `http://127.0.0.1:${proxiedPort}${path}`;

  it('admits a caller whose socket address is in the list, IPv4 or IPv6, and refuses one outside it with 403', async () => {
    const v4 = await create({ allowedIps: ['127.0.0.0/8'] });
    expect((await call(directly('127.0.0.1'), v4)).status).toBe(200);
    expect(await call(directly('[::1]'), v4)).toEqual({ status: 403, message: 'API key may not be used from this address' });
    const v6 = await create({ allowedIps: ['::1'] });
    expect((await call(directly('[::1]'), v6)).status).toBe(200);
    expect((await call(directly('127.0.0.1'), v6)).status).toBe(403);
  });

  it('never reads X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const key = await create({ allowedIps: ['198.51.100.0/24'] });
    expect((await call(directly('127.0.0.1'), key, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(403);
  });

  it('behind a trusted proxy, takes the caller from X-Forwarded-For: CIDR and IPv6 hits, misses, and a forged leftmost entry', async () => {
    const key = await create({ allowedIps: ['198.51.100.0/24', '2001:db8::/32'] });
    expect((await call(viaProxy(), key, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(200);
    expect((await call(viaProxy(), key, { 'x-forwarded-for': '2001:db8::42' })).status).toBe(200);
    expect((await call(viaProxy(), key, { 'x-forwarded-for': '192.0.2.1' })).status).toBe(403);
    // The client wrote the first entry itself; the proxy appended the address it saw.
    expect((await call(viaProxy(), key, { 'x-forwarded-for': '198.51.100.7, 192.0.2.1' })).status).toBe(403);
    // No header: the caller is the proxy itself, which is not in the list.
    expect((await call(viaProxy(), key)).status).toBe(403);
    // Not an address: unknown, so refused (fail closed).
    expect((await call(viaProxy(), key, { 'x-forwarded-for': 'unknown' })).status).toBe(403);
  });

  it('checks the route\'s permission query, parsed once when the controller was defined', async () => {
    const both = await create({ permissions: ['orders.write', 'billing.read'] });
    const partial = await create({ permissions: ['orders.read'] });
    expect((await call(directly('127.0.0.1', '/orders'), both)).status).toBe(200);
    expect(await call(directly('127.0.0.1', '/orders'), partial)).toEqual({
      status: 403,
      message: 'API key lacks the permissions this route requires ((orders.read OR orders.write) AND billing.read)',
    });
    // A route without a query admits both.
    expect((await call(directly('127.0.0.1'), partial)).status).toBe(200);
  });

  it('refuses a malformed query when the decorator is applied, not when a request comes', () => {
    expect(() => RequireKeyPermissions('orders.read AND (billing.read')).toThrow(PermissionQueryError);
    expect(() => RequireKeyPermissions('orders.read AND (billing.read')).toThrow('missing ")" to close the "(" at position 16');
  });

  it('refuses a trusted-proxy entry that is not an address when the module is built', () => {
    expect(() =>
      KeyVerificationModule.forRoot({ redisUrl: stack.env.REDIS_URL, pepper: TEST_PEPPER, trustedProxies: ['10.0.0.0/8', 'lb.internal'] }),
    ).toThrow('trustedProxies[1]: "lb.internal" is not an IPv4 address');
  });
});
