import { connect, Socket } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app';

/** Everything the server sent before it closed the connection. */
function untilClosed(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  return new Promise((resolve, reject) => {
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/**
 * A client that opens a request and never finishes it must not hold the connection: the server
 * closes it once HTTP_REQUEST_TIMEOUT_MS has passed. The test sets a small timeout and asserts
 * that the connection closes (jest's timeout is the bound), not how fast.
 */
describe('Slow and unfinished requests over HTTP', () => {
  let svc: TestApp;
  beforeAll(async () => {
    svc = await startTestApp({ HTTP_REQUEST_TIMEOUT_MS: '500' });
  });
  afterAll(async () => svc.close());
  // A server that never closes them would also keep svc.close() waiting: a failure, not a hang.
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((s) => s.destroy()));

  const open = () => {
    const socket = connect(Number(new URL(svc.baseUrl).port), '127.0.0.1');
    sockets.push(socket);
    return socket;
  };

  it('closes a connection whose body stops short of its Content-Length, answering 408', async () => {
    const socket = open();
    const closed = untilClosed(socket);
    socket.write('POST /v1/keys/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"key":"ab');
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
  }, 15_000);

  it('closes a connection whose headers never end', async () => {
    const socket = open();
    const closed = untilClosed(socket);
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    expect(await closed).toMatch(/^(HTTP\/1\.1 408 |$)/);
  }, 15_000);

  it('closes a connection that sends nothing at all', async () => {
    const closed = untilClosed(open());
    expect(await closed).toMatch(/^(HTTP\/1\.1 408 |$)/);
  }, 15_000);

  it('still serves a request that arrives in time', async () => {
    expect((await svc.request('GET', '/health')).status).toBe(200);
  });
});
