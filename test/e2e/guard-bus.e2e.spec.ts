import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyGuard, KEY_VERIFICATION_CONNECTIONS, KeyVerificationConnections, KeyVerificationModule } from '@key-service/nestjs';
import { waitUntil } from '../support/kafka-topic.collector';
import { DistributedStack, distributedStack } from '../support/distributed-stack';
import { startTestApp, TEST_PEPPER, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

@Controller('orders')
@UseGuards(ApiKeyGuard)
class OrdersController {
  @Get()
  list(): { orders: string[] } {
    return { orders: [] };
  }
}

/**
 * Another service authenticating its callers with ApiKeyGuard keeps verified keys in an
 * in-process cache, told of revokes by the invalidation bus. While that bus is cut it hears of no
 * revoke, so its cache must be off: a key revoked meanwhile is refused at once, not served VALID
 * from the cache for up to its TTL.
 */
describe('ApiKeyGuard in another service, its invalidation subscriber cut', () => {
  let stack: DistributedStack;
  let keyService: TestApp;
  let guarded: NestFastifyApplication;
  let guardedUrl: string;

  beforeAll(async () => {
    stack = await distributedStack('guard_bus');
    keyService = await startTestApp(stack.env);
    await stack.startProjector();
    @Module({
      imports: [
        KeyVerificationModule.forRoot({
          redisUrl: stack.env.REDIS_URL,
          pepper: TEST_PEPPER,
          redisKeyPrefix: stack.redisKeyPrefix,
          databaseUrl: stack.env.DATABASE_URL,
        }),
      ],
      controllers: [OrdersController],
    })
    class OrdersModule {}
    guarded = await NestFactory.create<NestFastifyApplication>(OrdersModule, new FastifyAdapter(), { logger: false });
    await guarded.listen(0, '127.0.0.1');
    guardedUrl = await guarded.getUrl();
  });

  afterAll(async () => {
    await guarded?.close();
    await keyService?.close();
    await stack?.stop();
  });

  const callOrders = async (key: string) => {
    const response = await fetch(`${guardedUrl}/orders`, { headers: { 'x-api-key': key } });
    return { status: response.status, body: (await response.json()) as { message?: string } };
  };

  it('refuses a key revoked while the subscriber was cut', async () => {
    const created = await keyService.request('POST', '/v1/keys', { body: { name: 'orders client' } });
    expect(created.status).toBe(201);
    // Verified, then cached by the guard's service.
    for (let i = 0; i < 3; i++) expect((await callOrders(created.body.key)).status).toBe(200);

    const { verification } = guarded.get<KeyVerificationConnections>(KEY_VERIFICATION_CONNECTIONS);
    verification.subscriber.disconnect();
    await waitUntil(() => verification.subscriber.status === 'end', 10_000, () => 'the subscriber to be cut');

    const revoked = await keyService.request('POST', `/v1/keys/${created.body.id}/revoke`, { body: { reason: 'leaked' } });
    expect(revoked.status).toBe(200);

    const refused = await callOrders(created.body.key);
    expect(refused).toEqual({ status: 401, body: expect.objectContaining({ message: 'API key rejected: REVOKED' }) });
  });
});
