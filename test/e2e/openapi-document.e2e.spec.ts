import { startTestApp, TestApp } from '../support/test-app';

/** The document describes the service; the harness checks every response of every e2e test against it. */
describe('OpenAPI document (embedded mode)', () => {
  let svc: TestApp;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document, read field by field
  let doc: any;

  beforeAll(async () => {
    svc = await startTestApp();
    doc = (await svc.request('GET', '/docs/json', { key: null })).body;
  });
  afterAll(() => svc.close());

  it('types the nullable PATCH fields as nullable strings, not objects', () => {
    const props = doc.components.schemas.UpdateKeyRequestDto.properties;
    for (const field of ['description', 'expiresAt', 'owner', 'environment']) expect(props[field]).toMatchObject({ type: 'string', nullable: true });
    expect(doc.components.schemas.QuotaInputDto.properties.refillAmount).toMatchObject({ type: 'integer', nullable: true });
  });

  it('declares the errors every route can send, each in its own dialect\'s body', () => {
    const ref = (op: string, path: string, status: number) => doc.paths[path][op].responses[status]?.content?.['application/json']?.schema?.$ref;
    expect(ref('patch', '/v1/keys/{id}', 412)).toBe('#/components/schemas/ErrorResponseDto');
    for (const status of [400, 401, 403, 404, 409, 413, 415, 503]) expect(ref('patch', '/v1/keys/{id}', status)).toBe('#/components/schemas/ErrorResponseDto');
    for (const status of [400, 413, 415, 503]) expect(ref('post', '/v1/keys/verify', status)).toBe('#/components/schemas/ErrorResponseDto');
    expect(ref('post', '/v1/api-keys', 415)).toBe('#/components/schemas/LuminoErrorResponseDto');
    expect(ref('post', '/api/v2/api-keys', 400)).toBe('#/components/schemas/OrgV2ErrorResponseDto');
    expect(ref('post', '/v1/accounts/{account_id}/users/{user_id}/apiKeys', 413)).toBe('#/components/schemas/FireworksErrorResponseDto');
    expect(ref('post', '/api/api-key', 401)).toBe('#/components/schemas/ErrorResponseDto');
  });

  it('answers a body Fastify cannot parse in the dialect of the route it was sent to', async () => {
    const headers = { 'content-type': 'application/json' };
    const lumino = await svc.request('POST', '/v1/api-keys', { rawBody: '{"name":', headers });
    expect(lumino.status).toBe(400);
    expect(lumino.body).toEqual({ status: 400, message: expect.stringContaining('not valid JSON') });

    const orgV2 = await svc.request('POST', '/api/v2/api-keys', { rawBody: '{"name":', headers: { ...headers, authorization: 'Bearer x' } });
    expect(orgV2.status).toBe(400);
    expect(orgV2.body).toEqual({ detail: expect.stringContaining('not valid JSON') });

    const fireworks = await svc.request('POST', '/v1/accounts/acme/users/dev/apiKeys', { rawBody: 'x', headers: { 'content-type': 'text/plain' } });
    expect(fireworks.status).toBe(415);
    expect(fireworks.body).toEqual({ code: 3, message: expect.any(String), details: [] });

    const native = await svc.request('POST', '/v1/keys', { rawBody: '{"name":', headers });
    expect(native.status).toBe(400);
    expect(native.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('not valid JSON') });
  });

  it('documents /metrics as Prometheus text', async () => {
    expect(doc.paths['/metrics'].get.responses[200].content['text/plain'].schema).toEqual({ type: 'string' });
    expect((await svc.request('GET', '/metrics', { key: null })).status).toBe(200);
  });
});
