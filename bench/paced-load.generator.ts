import { connect, Socket } from 'node:net';

export interface PacedLoadOptions {
  readonly url: string;
  /** One JSON body per request, taken round-robin. */
  readonly bodies: readonly string[];
  /** Requests per second, released every millisecond in equal shares: an open-loop arrival rate. */
  readonly rate: number;
  readonly durationSeconds: number;
  /** Keep-alive sockets; a request that finds none free waits, and its wait counts as latency. */
  readonly connections: number;
  readonly expect: (body: string) => boolean;
}

export interface PacedLoadResult {
  readonly requests: number;
  readonly rps: number;
  /** From the moment each request was due, so a slow answer cannot hide the ones queued behind it. */
  readonly latenciesMs: number[];
  /** Wrong status, wrong body, or no answer within 5 s of the end. */
  readonly failed: number;
  /** Share of one core the generator itself used (it competes with the service for the cores). */
  readonly generatorCpu: number;
}

interface Due {
  readonly request: Buffer;
  readonly dueAt: number;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * A constant-rate load: autocannon's `overallRate` gives each connection a budget per second and
 * sends it back to back from the start of each second, so "80% of peak" is full load for most of
 * every second and idle for the rest. Here requests are due every millisecond, evenly, and each
 * is timed from when it was due. Raw sockets and one request per socket at a time keep the
 * generator cheap (the answers here always carry a Content-Length).
 */
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const url = new URL(options.url);
  const requests = options.bodies.map((body) =>
    Buffer.from(
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    ),
  );
  const latenciesMs: number[] = [];
  let failed = 0;
  const queue: Due[] = [];
  const idle: Connection[] = [];

  class Connection {
    private buffer = '';
    private current: Due | null = null;
    constructor(readonly socket: Socket) {
      socket.setNoDelay(true);
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => this.onData(chunk));
      socket.on('error', () => undefined);
    }
    send(due: Due): void {
      this.current = due;
      this.socket.write(due.request);
    }
    private onData(chunk: string): void {
      this.buffer += chunk;
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0 || !this.current) return;
      const head = this.buffer.slice(0, headerEnd);
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN);
      if (Number.isNaN(length)) throw new Error(`an answer without Content-Length: ${head}`);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = Buffer.from(this.buffer.slice(headerEnd + 4, headerEnd + 4 + length), 'latin1').toString('utf8');
      this.buffer = this.buffer.slice(headerEnd + 4 + length);
      latenciesMs.push(nowMs() - this.current.dueAt);
      if (!head.startsWith('HTTP/1.1 200') || !options.expect(body)) failed++;
      this.current = null;
      const next = queue.shift();
      if (next) this.send(next);
      else idle.push(this);
    }
  }

  const sockets = await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  idle.push(...sockets.map((s) => new Connection(s)));

  const cpuBefore = process.cpuUsage();
  const start = nowMs();
  const total = Math.round(options.rate * options.durationSeconds);
  let released = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = nowMs();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * options.rate));
      for (; released < due; released++) {
        const item = { request: requests[released % requests.length], dueAt: now };
        const connection = idle.pop();
        if (connection) connection.send(item);
        else queue.push(item);
      }
      if (released >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const elapsedMs = nowMs() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const generatorCpu = (cpu.user + cpu.system) / 1000 / elapsedMs;
  const deadline = Date.now() + 5000;
  while (latenciesMs.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  failed += total - latenciesMs.length;
  for (const socket of sockets) socket.destroy();
  return { requests: total, rps: (latenciesMs.length / elapsedMs) * 1000, latenciesMs, failed, generatorCpu };
}
