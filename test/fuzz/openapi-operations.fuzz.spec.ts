import fc from 'fast-check';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { FuzzContext, FuzzRequest, requestFor } from '../support/openapi-request.arbitrary';
import { OpenApiDocument, OpenApiResponseValidator } from '../support/openapi-response.validator';
import { startTestApp, TEST_ROOT_KEY, TestApp } from '../support/test-app';

/** At least this many requests per run, spread over every operation of the document. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2400);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

interface Failure {
  readonly rule: string;
  readonly request: FuzzRequest;
  readonly detail: string;
}

/**
 * Requests generated from the service's own /docs/json (valid ones, and every kind of broken one)
 * against the real service in embedded mode, one at a time. Every answer must be below 500,
 * declared by the document, and, when it is a 4xx, must have appended no event. Replay a run with
 * FUZZ_SEED=<the seed it printed>.
 */
describe(`fuzz: every operation of /docs/json (FUZZ_SEED=${SEED})`, () => {
  let svc: TestApp;
  let store: EventStore;
  let validator: OpenApiResponseValidator;
  let context: FuzzContext;

  beforeAll(async () => {
    svc = await startTestApp();
    store = svc.app.get<EventStore>(EVENT_STORE);
    const document = (await svc.request('GET', '/docs/json', { key: null })).body as OpenApiDocument;
    validator = new OpenApiResponseValidator(document);
    const other = await svc.request('POST', '/v1/keys', { body: { name: 'other tenant admin', tenant: 'fuzz-other', roles: ['admin'] } });
    const keyIds: string[] = [];
    for (const name of ['a', 'b', 'c']) keyIds.push((await svc.request('POST', '/v1/keys', { body: { name, owner: 'dev' } })).body.id);
    context = { rootKey: TEST_ROOT_KEY, otherTenantKey: other.body.key, keyIds, components: document.components?.schemas ?? {} };
  });
  afterAll(() => svc?.close());

  it(`answers ${RUNS} generated requests below 500, as declared, and changes nothing on a 4xx`, async () => {
    const operations = validator.operations();
    const requests = fc.sample(fc.oneof(...operations.map((op) => requestFor(op, context))), { seed: SEED, numRuns: RUNS });
    const failures: Failure[] = [];
    const covered = new Set<string>();
    for (const request of requests) {
      const before = await store.headPosition();
      const response = await fetch(`${svc.baseUrl}${request.url}`, { method: request.method, headers: request.headers, body: request.body });
      const text = await response.text();
      covered.add(`${request.method} ${validator.match(request.method, request.url)?.template}`);
      if (response.status >= 500) failures.push({ rule: `${response.status}`, request, detail: text.slice(0, 200) });
      const problem = validator.check({ method: request.method, url: request.url, status: response.status, contentType: response.headers.get('content-type'), text });
      if (problem) failures.push({ rule: 'contradicts /docs/json', request, detail: problem.slice(0, 400) });
      if (response.status >= 400 && response.status < 500) {
        // KeyUsed events come from the usage flusher's timer (verifications), not from this request.
        const appended = (await store.readAll({ after: before, limit: 50 })).filter((e) => e.type !== 'KeyUsed');
        if (appended.length > 0)
          failures.push({ rule: `${response.status} appended events`, request, detail: appended.map((e) => e.type).join(', ') });
      }
    }
    expect(covered.size).toBe(operations.length);
    if (failures.length > 0) {
      const groups = new Map<string, Failure[]>();
      for (const f of failures) {
        const key = `${f.rule} | ${f.request.method} ${validator.match(f.request.method, f.request.url)?.template ?? f.request.url} | ${f.request.kind.split(' ').filter((k) => !k.startsWith('auth:') && !k.endsWith(':valid') && k !== 'query:extra').join(' ')}`;
        groups.set(key, [...(groups.get(key) ?? []), f]);
      }
      const report = [...groups.entries()]
        .sort((a, b) => b[1].length - a[1].length)
        .map(([key, list]) => `${list.length} × ${key}\n    e.g. ${list[0].request.method} ${list[0].request.url.slice(0, 200)} ${JSON.stringify(list[0].request.headers['content-type'] ?? '')} body ${(list[0].request.body ?? '').slice(0, 120)}\n    → ${list[0].detail}`)
        .join('\n');
      throw new Error(`${failures.length} of ${RUNS} fuzzed requests broke a rule. Replay with FUZZ_SEED=${SEED}\n${report}`);
    }
  }, 600_000);
});
