import { createHash, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';

/**
 * The command loads beyond single create and revoke: the command floor (bench/command-floor.server.ts),
 * bulk create and import. Each is handed run-bench's own `load`, so every row is measured as the
 * others are (autocannon, the same duration, CPU time per process).
 */

/** What run-bench's `load` returns, as far as these loads read it. */
export interface LoadRow {
  readonly scenario: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly requests: number;
  readonly failed: number;
  readonly cpu?: ReadonlyMap<string, number>;
}

export interface CommandLoadOptions {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly expect?: (body: string) => boolean;
  readonly expectStatus?: number;
  readonly connections?: number;
  readonly duration?: number;
  /** A fixed number of requests instead of a duration. */
  readonly amount?: number;
  readonly requests?: autocannon.Request[];
}

export type Load = (scenario: string, options: CommandLoadOptions) => Promise<LoadRow>;

/** A bulk row: requests and the keys they carried; keys/s is what a migration waits on. */
export interface BulkRow extends LoadRow {
  readonly itemsPerRequest: number;
  readonly keysPerSecond: number;
}

/** Create's load: what the floor is loaded with too, so the two rows differ only in the server. */
export const CREATE_CONNECTIONS = 16;
export const CREATE_BODY = JSON.stringify({ name: 'bench create' });

/** The command floor, loaded exactly as create is (same body, connections, duration, expected 201). */
export function floorLoad(load: Load, floorUrl: string): Promise<LoadRow> {
  return load('command floor: bare Fastify, BEGIN; INSERT; COMMIT', {
    url: `${floorUrl}/v1/keys`,
    connections: CREATE_CONNECTIONS,
    expectStatus: 201,
    requests: [{ method: 'POST', body: CREATE_BODY } as autocannon.Request],
  });
}

/** One bulk item with the fields a real migration carries; ids are generated, so a body can repeat. */
function detailedItem(i: number): Record<string, unknown> {
  return {
    name: `bench bulk ${i}`,
    description: 'Issued to the billing service for its nightly export',
    roles: ['billing:read', 'reports:read'],
    owner: 'team-billing',
    environment: 'production',
    annotations: { 'cost-center': 'cc-4711', ticket: 'OPS-12345' },
    rateLimit: { limit: 1000, durationMs: 60_000 },
  };
}

const allCreated = (items: number) => (body: string) => {
  try {
    const results = (JSON.parse(body) as { results: { status: number }[] }).results;
    return results.length === items && results.every((r) => r.status === 201);
  } catch {
    return false;
  }
};

const allImported = (items: number) => (body: string) => {
  try {
    const answer = JSON.parse(body) as { imported: unknown[]; failed: unknown[] };
    return answer.imported.length === items && answer.failed.length === 0;
  } catch {
    return false;
  }
};

/**
 * A bulk load is a fixed number of requests (BULK_REQUESTS_KEYS keys in all), not a duration: a
 * request of 1,000 keys can take seconds on this box, and autocannon counts only the requests that
 * end within the duration. Its rates are the requests over the wall time of the whole load.
 */
const BULK_REQUESTS_KEYS = 6000;

async function timedBulk(load: Load, scenario: string, options: CommandLoadOptions, itemsPerRequest: number): Promise<BulkRow> {
  // Requests whose every item succeeded; a request that timed out is in neither count nor `requests`.
  let succeeded = 0;
  const expect = options.expect ?? (() => true);
  const startedAt = performance.now();
  const row = await load(scenario, {
    ...options,
    amount: Math.max(options.connections ?? 1, Math.round(BULK_REQUESTS_KEYS / itemsPerRequest)),
    expect: (body) => expect(body) && ++succeeded > 0,
  });
  const seconds = (performance.now() - startedAt) / 1000;
  const out: BulkRow = { ...row, rps: row.requests / seconds, itemsPerRequest, keysPerSecond: (succeeded * itemsPerRequest) / seconds };
  process.stdout.write(`  ${row.scenario}: ${out.keysPerSecond.toFixed(0)} keys/s over ${seconds.toFixed(1)} s\n`);
  return out;
}

/**
 * `POST /v1/keys/batch` with `itemsPerRequest` detailed items per call, over `connections`; a
 * request counts as failed unless every item in it was created.
 */
export async function batchLoad(load: Load, serviceUrl: string, rootKey: string, itemsPerRequest: number, connections: number): Promise<BulkRow> {
  const body = JSON.stringify({ keys: Array.from({ length: itemsPerRequest }, (_, i) => detailedItem(i)) });
  return timedBulk(
    load,
    `batch create, ${itemsPerRequest} keys per request, ${connections} connections`,
    {
      url: `${serviceUrl}/v1/keys/batch`,
      headers: { 'x-api-key': rootKey },
      connections,
      expect: allCreated(itemsPerRequest),
      requests: [{ method: 'POST', body } as autocannon.Request],
    },
    itemsPerRequest,
  );
}

/**
 * `POST /v1/keys/import` with `itemsPerRequest` keys of another system per call (Unkey's shape:
 * SHA-256 of the plaintext, base64), every hash new, so every item must be imported.
 */
export async function importLoad(load: Load, serviceUrl: string, rootKey: string, itemsPerRequest: number, connections: number): Promise<BulkRow> {
  const nextBody = () =>
    JSON.stringify({
      keys: Array.from({ length: itemsPerRequest }, (_, i) => ({
        ...detailedItem(i),
        hash: createHash('sha256').update(`uk_${randomBytes(18).toString('base64url')}`).digest('base64'),
        hashAlgorithm: 'sha256-base64',
        prefix: 'uk',
      })),
    });
  return timedBulk(
    load,
    `import, ${itemsPerRequest} keys per request, ${connections} connections`,
    {
      url: `${serviceUrl}/v1/keys/import`,
      headers: { 'x-api-key': rootKey },
      connections,
      expect: allImported(itemsPerRequest),
      requests: [{ method: 'POST', setupRequest: (request: autocannon.Request) => ({ ...request, body: nextBody() }) } as autocannon.Request],
    },
    itemsPerRequest,
  );
}
