import { OpenAPIObject } from '@nestjs/swagger';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Responses = Operation['responses'];

/** The error body schema (a component name) of the routes carrying `tag`; others use `fallback`. */
export interface ErrorSchemas {
  readonly byTag: Readonly<Record<string, string>>;
  readonly fallback: string;
}

const KEY_ID_PARAMETERS = new Set(['id', 'key_id']);
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Key ids are unique per tenant only: the root key, which spans tenants, must then say which. */
const AMBIGUOUS_ID = "The root key named a key id that several tenants use, without ?tenant= to say whose.";

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed (body, path, query or header, or a URL that is not UTF-8); the message names the rule it broke. Nothing was changed.',
  401: 'No API key, or one that does not verify; the message says which.',
  403: 'The key is valid but lacks the role this route needs (admin to manage, admin or auditor to read).',
  404: 'No such key, or not one the caller may see.',
  413: 'The body is larger than BODY_LIMIT_BYTES.',
  414: 'A path parameter is longer than 256 characters.',
  415: 'The body is not JSON: send content-type application/json.',
  409: AMBIGUOUS_ID,
  503: 'Key verification is unavailable (Redis and PostgreSQL both unreachable), so the caller cannot be authenticated; nothing was changed.',
};

/**
 * Which errors a route can send follows from what it takes, so they are declared here from the
 * document itself rather than by hand on each route, and a new route gets them without anyone
 * remembering to:
 * - anything with a path, query or header parameter, and any method Fastify reads a body for
 *   (POST, PUT, PATCH, DELETE: a malformed or non-JSON body is refused before the controller),
 *   answers 400; the body methods also 413 and 415;
 * - a route with `security` answers 401 (no or a bad key), 403 (a key without the role) and 503
 *   (a non-root key cannot be verified while the verification stores are down);
 * - a route with a path parameter answers 414 when one is longer than maxParamLength, and one
 *   with a key id in its path (`{id}`, `{key_id}`) 404 when there is no such key;
 * - a secured route that names a key by id (in its path, or `keyId` in its query) answers 409
 *   when the root key names an id several tenants use without `?tenant=`;
 * Statuses only some routes send (409, 412) are declared on those routes; this fills in the error
 * body of every 4xx/5xx declared without one, in the shape of the route's dialect (`schemas`).
 */
export function declareErrorResponses(document: OpenAPIObject, schemas: ErrorSchemas): void {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = (operation.parameters ?? []) as { in?: string; name?: string }[];
      const hasBody = BODY_METHODS.has(method);
      const statuses = new Set<number>();
      if (hasBody || parameters.length > 0 || operation.requestBody) statuses.add(400);
      if (hasBody) [413, 415].forEach((s) => statuses.add(s));
      if ((operation.security ?? []).length > 0) [401, 403, 503].forEach((s) => statuses.add(s));
      if (parameters.some((p) => p.in === 'path')) statuses.add(414);
      if (parameters.some((p) => p.in === 'path' && KEY_ID_PARAMETERS.has(p.name ?? ''))) statuses.add(404);
      const namesKey = parameters.some((p) => (p.in === 'path' && KEY_ID_PARAMETERS.has(p.name ?? '')) || (p.in === 'query' && p.name === 'keyId'));
      if (namesKey && (operation.security ?? []).length > 0) statuses.add(409);
      const responses: Responses = operation.responses;
      const conflict = responses[409];
      if (statuses.has(409) && conflict && !('$ref' in conflict) && !conflict.description.includes(AMBIGUOUS_ID))
        conflict.description = `${conflict.description}. Also: ${AMBIGUOUS_ID}`;
      for (const status of statuses) responses[status] ??= { description: DESCRIPTIONS[status] };
      const schema = errorSchemaOf(operation, schemas);
      for (const [status, response] of Object.entries(responses)) {
        if (!response || Number(status) < 400 || '$ref' in response || response.content) continue;
        response.content = { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } };
      }
    }
  }
}

function errorSchemaOf(operation: Operation, schemas: ErrorSchemas): string {
  for (const tag of operation.tags ?? []) if (schemas.byTag[tag]) return schemas.byTag[tag];
  return schemas.fallback;
}
