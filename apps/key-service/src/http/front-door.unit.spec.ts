import Fastify, { FastifyInstance } from 'fastify';
import { AddressInfo } from 'node:net';
import { FrontDoor, handOverRead, replayedBody, sendRawJson } from './front-door';

describe('FrontDoor', () => {
  let fastify: FastifyInstance;
  let baseUrl: string;
  const frontDoor = new FrontDoor();

  beforeAll(async () => {
    fastify = Fastify({ serverFactory: frontDoor.serverFactory, keepAliveTimeout: 1234, requestTimeout: 5678 });
    frontDoor.attach(fastify);
    fastify.post('/door', { preParsing: (request, _reply, payload, done) => done(null, replayedBody(request.raw) ?? payload) }, async (request) => ({
      by: 'fastify',
      body: request.body,
    }));
    fastify.get('/door', async () => ({ by: 'fastify' }));
    frontDoor.answer('POST', '/door', (request, response, handOver) => {
      if (request.headers['x-hand-over'] === 'unread') return handOver();
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        if (request.headers['x-hand-over'] === 'read') handOverRead(request, body, handOver);
        else sendRawJson(response, 200, JSON.stringify({ by: 'front door', body: JSON.parse(body.toString()) }));
      });
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => fastify.close());

  const post = async (path: string, headers: Record<string, string> = {}) =>
    (await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"a":1}' })).json();

  it('gives Fastify the server options Fastify would have set', () => {
    expect(fastify.server.keepAliveTimeout).toBe(1234);
    expect(fastify.server.requestTimeout).toBe(5678);
  });

  it('answers its method and exact URL itself', async () => {
    expect(await post('/door')).toEqual({ by: 'front door', body: { a: 1 } });
  });

  it('leaves another method, or the URL with a query string, to Fastify', async () => {
    expect(await (await fetch(`${baseUrl}/door`)).json()).toEqual({ by: 'fastify' });
    expect(await post('/door?x=1')).toEqual({ by: 'fastify', body: { a: 1 } });
  });

  it('hands a request over unread, or read (Fastify reads the same body again)', async () => {
    expect(await post('/door', { 'x-hand-over': 'unread' })).toEqual({ by: 'fastify', body: { a: 1 } });
    expect(await post('/door', { 'x-hand-over': 'read' })).toEqual({ by: 'fastify', body: { a: 1 } });
  });
});
