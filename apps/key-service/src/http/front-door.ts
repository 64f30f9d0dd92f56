import { createServer, IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { FastifyInstance } from 'fastify';

/**
 * Answers a request before Fastify sees it, or calls `handOver` (at most once, and only instead of
 * answering) to let Fastify handle it as if the front door were not there.
 */
export type FrontDoorHandler = (request: IncomingMessage, response: ServerResponse, handOver: () => void) => void;

/** The options Fastify passes its server factory: those it would itself give node's server. */
interface FastifyServerFactoryOptions {
  readonly http?: ServerOptions;
  readonly keepAliveTimeout?: number;
  readonly requestTimeout?: number;
  readonly connectionTimeout?: number;
  readonly maxRequestsPerSocket?: number;
}

/**
 * Fastify's per-request machinery (request and reply objects, routing, instance-wide hooks, the
 * content-type parser binding an AsyncResource per body) cost verify more CPU than the verify
 * itself. The front door is the node request listener in front of Fastify: a route registered here
 * with `answer()` sees its requests first (exact method and URL, no query string) and answers the
 * plain ones itself; anything else it hands to Fastify unchanged. A handler that has already read
 * the body hands over with `handOverRead()`, and the route's `preParsing` hook (`replayedBody`)
 * gives Fastify the same bytes, so every refusal is Fastify's, word for word.
 *
 * Once Fastify starts closing, every request goes to Fastify, which answers 503 as it always did.
 */
export class FrontDoor {
  private readonly handlers = new Map<string, { readonly method: string; readonly handler: FrontDoorHandler }>();
  private closing = false;

  /**
   * Fastify's `serverFactory`: the server Fastify would create itself (server.js, getServerInstance),
   * with the same options, whose request listener asks the front door first.
   */
  readonly serverFactory = (fastifyHandler: (request: IncomingMessage, response: ServerResponse) => void, options: FastifyServerFactoryOptions): Server => {
    const server = createServer(options.http ?? {}, (request, response) => {
      const route = this.closing || request.url === undefined ? undefined : this.handlers.get(request.url);
      if (route === undefined || route.method !== request.method) {
        fastifyHandler(request, response);
        return;
      }
      route.handler(request, response, () => fastifyHandler(request, response));
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket !== undefined && options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };

  /** Stops answering when `fastify` starts to close (its preClose hook). */
  attach(fastify: FastifyInstance): void {
    fastify.addHook('preClose', (done) => {
      this.closing = true;
      done();
    });
  }

  /** Lets `handler` see `method url` requests (that URL exactly) before Fastify does. */
  answer(method: string, url: string, handler: FrontDoorHandler): void {
    this.handlers.set(url, { method, handler });
  }
}

/** Bodies read by a front-door handler that then handed the request over, for Fastify to read again. */
const readBodies = new WeakMap<IncomingMessage, Buffer>();

/** Hands `request` to Fastify after its body was read: Fastify reads `body` again (replayedBody). */
export function handOverRead(request: IncomingMessage, body: Buffer, handOver: () => void): void {
  readBodies.set(request, body);
  handOver();
}

/**
 * For the `preParsing` hook of a route that answers at the front door: the body the front door
 * read before handing the request over, as a stream Fastify's parser reads like the socket; null
 * when the front door read nothing.
 */
export function replayedBody(request: IncomingMessage): Readable | null {
  const body = readBodies.get(request);
  if (body === undefined) return null;
  readBodies.delete(request);
  return Readable.from([body], { objectMode: false });
}

/**
 * Writes a JSON answer with the headers Fastify gives a serialized payload (content-type, then
 * content-length; node adds date, connection and keep-alive), so a client cannot tell which
 * answered.
 */
export function sendRawJson(response: ServerResponse, statusCode: number, json: string): void {
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  response.end(json);
}
