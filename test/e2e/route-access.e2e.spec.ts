import { RouteOptions } from 'fastify';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { RouteAccess } from '../../apps/key-service/src/auth/access.decorator';
import { isPublicFastifyRoute } from '../../apps/key-service/src/auth/public-fastify-routes';
import { nestRoutes, NestRoute } from '../support/nest-routes';
import { startTestApp, TestApp } from '../support/test-app';

interface FastifyRoute {
  readonly method: string;
  readonly url: string;
}

/** How each route of the app is reached: by the management guard, or openly (declared public). */
type Verdict = RouteAccess | 'UNDECLARED';

/** A body each changing route would accept, so that a route letting a keyless call through would change something. */
const BODIES: Record<string, unknown> = {
  'POST /v1/keys': { name: 'keyless' },
  'PATCH /v1/keys/:id': { name: 'keyless' },
  'POST /api/api-key': { name: 'keyless', id: 'keyless-fusion' },
  'POST /v1/keys/leaks': { keys: ['sk_keyless'] },
  'POST /v1/api-keys': { name: 'keyless', expires_at: '2100-01-01T00:00:00Z' },
  'POST /api/v2/api-keys': { name: 'keyless' },
  'POST /api/v2/api-keys/': { name: 'keyless' },
  'POST /v1/accounts/:account_id/users/:user_id/apiKeys': { apiKey: { displayName: 'keyless' } },
};

describe('Every route is management-authenticated unless declared public', () => {
  const registered: FastifyRoute[] = [];
  let svc: TestApp;
  let store: EventStore;
  let target: { id: string };

  beforeAll(async () => {
    svc = await startTestApp({}, { onRoute: (route: RouteOptions) => collect(registered, route) });
    store = svc.app.get<EventStore>(EVENT_STORE);
    // A live key for every :id, with the tenant and owner the Fireworks path names, so that a
    // keyless revoke, disable, rotate or delete that got through would show in the event log.
    const made = await svc.request('POST', '/v1/keys', { body: { name: 'target', tenant: 'acme', owner: 'alice' } });
    expect(made.status).toBe(201);
    target = made.body;
  });
  afterAll(async () => svc.close());

  /** Every Fastify route with how it is reached; HEAD is Fastify's twin of a GET and shares its handler. */
  function inventory(): { route: string; verdict: Verdict }[] {
    const nest = new Map<string, NestRoute>(nestRoutes(svc.app).map((r) => [`${r.method} ${r.url}`, r]));
    return registered.map(({ method, url }) => {
      const route = `${method} ${url}`;
      const declared = nest.get(`${method === 'HEAD' ? 'GET' : method} ${url}`);
      const verdict: Verdict = declared
        ? (declared.access ?? 'UNDECLARED')
        : isPublicFastifyRoute(method, url)
          ? 'public'
          : 'UNDECLARED';
      return { route, verdict };
    });
  }

  it('finds every route either public or guarded, and nothing else', () => {
    const routes = inventory();
    // Not vacuous: the native, compat, Fastify-level and Swagger routes are all in the inventory.
    for (const expected of [
      'POST /v1/keys',
      'POST /v1/keys/verify',
      'GET /docs/json',
      'DELETE /api/api-key/:id',
      'DELETE /v1/api-keys/:id',
      'DELETE /api/v2/api-keys/:id',
      'POST /v1/accounts/:account_id/users/:user_id/apiKeys::delete',
    ])
      expect(routes.map((r) => r.route)).toContain(expected);
    expect(routes.filter((r) => r.verdict === 'UNDECLARED')).toEqual([]);
    // Every Nest route was matched to a registered one: a route built wrongly here would hide.
    const urls = new Set(registered.map((r) => `${r.method} ${r.url}`));
    expect(nestRoutes(svc.app).filter((r) => !urls.has(`${r.method} ${r.url}`))).toEqual([]);
  });

  it('opens only the routes meant to be public', () => {
    const open = inventory()
      .filter((r) => r.verdict === 'public' && !/ \/(docs|console)/.test(r.route))
      .map((r) => r.route);
    // Making a route public is a decision this list records: add to it only on purpose.
    expect(open.sort()).toEqual(['GET /health', 'GET /metrics', 'HEAD /health', 'HEAD /metrics', 'POST /v1/keys/verify', 'POST /v1/keys/whoami', 'POST /v1/leaks/github']);
    // The console's static files are read-only: nothing but GET and HEAD is open under /console.
    const consoleRoutes = inventory().filter((r) => / \/console/.test(r.route));
    expect(consoleRoutes.length).toBeGreaterThan(0);
    expect(consoleRoutes.filter((r) => r.verdict !== 'public' || !/^(GET|HEAD) /.test(r.route))).toEqual([]);
  });

  it('refuses every other route without a key, with 401, and records nothing', async () => {
    // Undeclared routes too: the guard denies them by default, whatever the test above says.
    const guarded = inventory().filter((r) => r.verdict !== 'public');
    expect(guarded.length).toBeGreaterThan(30);
    const outcomes: string[] = [];
    for (const { route } of guarded) {
      const [method, url] = route.split(' ');
      const path = url
        .replace(':account_id', 'acme')
        .replace(':user_id', 'alice')
        .replace(/:(id|key_id)\b/, encodeURIComponent(target.id))
        .replace('::', ':');
      const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : (BODIES[route] ?? { keyId: target.id });
      const head = await store.headPosition();
      const r = await svc.request(method, path, { key: null, body });
      outcomes.push(`${route} -> ${r.status}${(await store.headPosition()) === head ? '' : ' and appended events'}`);
    }
    expect(outcomes).toEqual(guarded.map(({ route }) => `${route} -> 401`));
    expect((await svc.request('GET', `/v1/keys/${target.id}`)).body).toMatchObject({ name: 'target', status: 'ACTIVE' });
  });

  it('lets the public routes answer without a key', async () => {
    expect((await svc.request('GET', '/health', { key: null })).status).toBe(200);
    expect((await svc.request('GET', '/metrics', { key: null })).status).toBe(200);
    expect((await svc.request('GET', '/docs/json', { key: null })).status).toBe(200);
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: 'sk_nope' } })).body.code).toBe('NOT_FOUND');
    expect((await svc.request('POST', '/v1/keys/whoami', { key: null, body: { key: 'sk_nope' } })).status).toBe(404);
  });
});

/** Fastify may register one route for several methods (static files: GET and HEAD). */
function collect(into: FastifyRoute[], route: RouteOptions): void {
  for (const method of [route.method].flat()) into.push({ method, url: route.url });
}
