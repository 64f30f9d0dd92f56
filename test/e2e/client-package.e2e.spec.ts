import { readFileSync, writeFileSync } from 'node:fs';
import {
  KeyServiceBadRequestError,
  KeyServiceClient,
  KeyServiceConflictError,
  KeyServiceError,
  KeyServiceNetworkError,
  KeyServiceNotFoundError,
  KeyServicePreconditionFailedError,
  KeyServiceUnauthorizedError,
} from '@key-service/client';
import { OpenApiDocument, OpenApiResponseValidator } from '../support/openapi-response.validator';
import { startTestApp, TestApp, TEST_ROOT_KEY } from '../support/test-app';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS, shared with the command line
const { TYPES_FILE, generateClientTypes } = require('../../tools/client-openapi') as {
  TYPES_FILE: string;
  generateClientTypes(doc: unknown): string;
};

jest.setTimeout(120_000);

describe('@key-service/client against the embedded service', () => {
  let service: TestApp;
  let document: OpenApiDocument;
  let client: KeyServiceClient;
  const problems: string[] = [];

  /** Every answer the client gets must be one /docs/json describes, as for every e2e call. */
  function checkedFetch(validator: OpenApiResponseValidator): typeof fetch {
    return async (input, init) => {
      const response = await fetch(input, init);
      const url = new URL(String(input));
      const text = await response.clone().text();
      const problem = validator.check({
        method: init?.method ?? 'GET',
        url: `${url.pathname}${url.search}`,
        status: response.status,
        contentType: response.headers.get('content-type'),
        text,
      });
      if (problem) problems.push(problem);
      return response;
    };
  }

  beforeAll(async () => {
    service = await startTestApp();
    document = (await (await fetch(`${service.baseUrl}/docs/json`)).json()) as OpenApiDocument;
    client = new KeyServiceClient({ baseUrl: service.baseUrl, apiKey: TEST_ROOT_KEY, fetch: checkedFetch(new OpenApiResponseValidator(document)) });
  });

  afterAll(async () => {
    await service?.close();
  });

  afterEach(() => {
    expect(problems.splice(0)).toEqual([]);
  });

  it('has types that are exactly what openapi-typescript makes of the running service\'s /docs/json', () => {
    const regenerated = generateClientTypes(document);
    // UPDATE_CLIENT_TYPES=1 rewrites the committed file after a deliberate API change.
    if (process.env.UPDATE_CLIENT_TYPES === '1') writeFileSync(TYPES_FILE, regenerated);
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(regenerated);
  });

  it('makes every /v1 call a consuming service needs and returns the documented bodies', async () => {
    const created = await client.create({ id: 'orders-bot', name: 'orders', roles: ['orders:read'], tenant: 'acme' });
    expect(created).toEqual(expect.objectContaining({ id: 'orders-bot', tenant: 'acme', roles: ['orders:read'], status: 'ACTIVE' }));
    expect(created.key).toMatch(/^sk_/);

    expect((await client.verify({ key: created.key, roles: ['orders:read'] })).code).toBe('VALID');
    expect((await client.verify({ key: created.key, roles: ['orders:write'] })).code).toBe('INSUFFICIENT_ROLES');
    expect(await client.whoami({ key: created.key })).toEqual(expect.objectContaining({ id: 'orders-bot', tenant: 'acme' }));

    const list = await client.list({ tenant: 'acme' });
    expect(list.items.map((k) => k.id)).toEqual(['orders-bot']);
    const fetched = await client.get('orders-bot', { tenant: 'acme' });
    expect(fetched.name).toBe('orders');

    const updated = await client.update('orders-bot', { roles: ['orders:read', 'orders:write'] }, { tenant: 'acme', ifMatch: fetched.version });
    expect(updated.roles).toEqual(['orders:read', 'orders:write']);

    const rotated = await client.rotate('orders-bot', { gracePeriodSeconds: 0 }, { tenant: 'acme' });
    expect(rotated.key).not.toBe(created.key);
    expect((await client.verify({ key: created.key })).valid).toBe(false);
    expect((await client.verify({ key: rotated.key })).valid).toBe(true);

    expect((await client.disable('orders-bot', { reason: 'maintenance' }, { tenant: 'acme' })).status).toBe('DISABLED');
    expect((await client.verify({ key: rotated.key })).code).toBe('DISABLED');
    expect((await client.enable('orders-bot', {}, { tenant: 'acme' })).status).toBe('ACTIVE');
    expect((await client.revoke('orders-bot', { reason: 'done' }, { tenant: 'acme' })).status).toBe('REVOKED');
    expect((await client.verify({ key: rotated.key })).code).toBe('REVOKED');

    const audit = await client.audit({ keyId: 'orders-bot', tenant: 'acme' });
    expect(audit.items.map((e) => e.type).sort()).toEqual(['KeyCreated', 'KeyDisabled', 'KeyEnabled', 'KeyRevoked', 'KeyRotated', 'KeyUpdated']);
    expect((await client.get('orders-bot', { tenant: 'acme', at: created.createdAt })).status).toBe('ACTIVE');
  });

  it('throws typed errors carrying the API\'s status, code and message', async () => {
    await client.create({ id: 'dup', name: 'dup', tenant: 'acme' });
    const refusal = async (call: Promise<unknown>): Promise<KeyServiceError> => {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KeyServiceError);
      return error as KeyServiceError;
    };

    const conflict = await refusal(client.create({ id: 'dup', name: 'dup', tenant: 'acme' }));
    expect(conflict).toBeInstanceOf(KeyServiceConflictError);
    expect([conflict.status, conflict.code]).toEqual([409, 'Conflict']);
    expect(conflict.message).toMatch(/dup/);

    const missing = await refusal(client.get('nope', { tenant: 'acme' }));
    expect(missing).toBeInstanceOf(KeyServiceNotFoundError);
    expect([missing.status, missing.code]).toEqual([404, 'Not Found']);

    const stale = await refusal(client.update('dup', { name: 'x' }, { tenant: 'acme', ifMatch: 99 }));
    expect(stale).toBeInstanceOf(KeyServicePreconditionFailedError);

    const invalid = await refusal(client.create({ name: '', tenant: 'acme' }));
    expect(invalid).toBeInstanceOf(KeyServiceBadRequestError);
    expect(invalid.message).toMatch(/name/);

    const anonymous = new KeyServiceClient({ baseUrl: service.baseUrl });
    const unauthorized = await refusal(anonymous.list());
    expect(unauthorized).toBeInstanceOf(KeyServiceUnauthorizedError);
    expect(unauthorized.status).toBe(401);

    const gone = new KeyServiceClient({ baseUrl: 'http://127.0.0.1:9', apiKey: TEST_ROOT_KEY });
    await expect(gone.list()).rejects.toBeInstanceOf(KeyServiceNetworkError);
  });
});
