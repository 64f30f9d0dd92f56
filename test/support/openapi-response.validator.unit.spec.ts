import { OpenApiDocument, OpenApiResponseValidator } from './openapi-response.validator';

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

const document: OpenApiDocument = {
  paths: {
    '/v1/keys/{id}': {
      get: { responses: { 200: { description: 'ok', ...json({ $ref: '#/components/schemas/Key' }) }, 404: { description: 'no', ...json({ $ref: '#/components/schemas/Error' }) } } },
    },
    '/v1/keys/verify': { post: { responses: { 200: { description: 'ok', ...json({ type: 'object', properties: { valid: { type: 'boolean' } }, required: ['valid'] }) } } } },
    '/gone': { delete: { responses: { 200: { description: 'no body' } } } },
  },
  components: {
    schemas: {
      Key: {
        type: 'object',
        required: ['id', 'quota', 'expiresAt'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          quota: { nullable: true, type: 'object', allOf: [{ $ref: '#/components/schemas/Quota' }] },
          expiresAt: { type: 'string', format: 'date-time', nullable: true, example: '2030-01-01T00:00:00Z' },
        },
      },
      Quota: { type: 'object', required: ['remaining'], properties: { remaining: { type: 'integer' } } },
      Error: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
    },
  },
};

const validator = new OpenApiResponseValidator(document);
const check = (method: string, url: string, status: number, body: unknown, contentType: string | null = 'application/json; charset=utf-8') =>
  validator.check({ method, url, status, contentType, text: body === undefined ? '' : JSON.stringify(body) });
const key = { id: '0b6f3c1e-2f7a-4c55-9d1e-3a8b2c4d5e6f', quota: null, expiresAt: null };

describe('OpenApiResponseValidator', () => {
  it('accepts a declared response, following $refs and reading nullable as "or null"', () => {
    expect(check('GET', '/v1/keys/abc?at=x', 200, key)).toBeNull();
    expect(check('GET', '/v1/keys/abc', 200, { ...key, quota: { remaining: 3 }, expiresAt: '2030-01-01T00:00:00Z' })).toBeNull();
    expect(check('DELETE', '/gone', 200, undefined)).toBeNull();
  });

  it('refuses a body that breaks the schema, saying where', () => {
    expect(check('GET', '/v1/keys/abc', 200, { ...key, id: 'not-a-uuid' })).toMatch(/\/id must match format "uuid"/);
    expect(check('GET', '/v1/keys/abc', 200, { ...key, quota: { remaining: 'x' } })).toMatch(/\/quota/);
  });

  it('refuses an undeclared status, an undeclared body, a wrong content type, an unknown route', () => {
    expect(check('GET', '/v1/keys/abc', 400, { message: 'x' })).toMatch(/does not declare status 400/);
    expect(check('DELETE', '/gone', 200, {})).toMatch(/declares no body/);
    expect(check('GET', '/v1/keys/abc', 404, { message: 'x' }, 'text/plain')).toMatch(/content-type text\/plain/);
    expect(check('GET', '/nowhere', 200, {})).toMatch(/no operation/);
  });

  it('matches a static segment before a path parameter, as Fastify routes', () => {
    expect(validator.match('POST', '/v1/keys/verify')?.template).toBe('/v1/keys/verify');
    expect(validator.match('GET', '/v1/keys/verify')?.template).toBe('/v1/keys/{id}');
  });
});
