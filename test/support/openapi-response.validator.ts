import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document this validator reads. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  readonly components?: { readonly schemas?: Record<string, unknown> };
}

export interface OpenApiOperation {
  readonly operationId?: string;
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Record<string, { readonly schema?: unknown }> };
  readonly responses?: Record<string, { readonly description?: string; readonly content?: Record<string, { readonly schema?: unknown }> }>;
  readonly security?: readonly Record<string, unknown>[];
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: unknown;
}

export interface RouteMatch {
  readonly template: string;
  readonly method: string;
  readonly operation: OpenApiOperation;
}

export interface ObservedResponse {
  readonly method: string;
  /** Path and query as sent, e.g. `/v1/keys/abc?at=…`. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string | null;
  /** The raw body text. */
  readonly text: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SCHEMA_REF = /^#\/components\/schemas\//;

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `#/components/schemas/X` points into the schema
 * registered as `openapi`, and `nullable: true` becomes "this or null". Ajv's own `nullable` only
 * widens `type`, so a nullable `allOf: [$ref]` or `enum` would still refuse null, which is not what
 * the document means (nor what any client generator reads it as).
 */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([k, v]): [string, unknown] => [
    k,
    k === '$ref' && typeof v === 'string' ? v.replace(SCHEMA_REF, 'openapi#/definitions/') : rewriteRefs(v),
  ]);
  const schema = Object.fromEntries(entries) as Record<string, unknown>;
  if (schema.nullable === true) {
    const { nullable: _nullable, ...rest } = schema;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return schema;
}

function mediaType(contentType: string | null): string | null {
  return contentType === null ? null : contentType.split(';')[0].trim().toLowerCase();
}

/**
 * Judges responses against the service's own OpenAPI document: the operation (method + path
 * template), the status, the media type and the body must all be declared. Shared by the e2e
 * harness (every response any e2e test receives) and the fuzz tier.
 */
export class OpenApiResponseValidator {
  private readonly ajv: Ajv;
  private readonly routes: { regex: RegExp; template: string; literalChars: number; params: number; item: Record<string, unknown> }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    // The document is OpenAPI 3.0: `nullable` is understood by ajv; `example` is an annotation.
    this.ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator']);
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', definitions: rewriteRefs(document.components?.schemas ?? {}) });
    this.routes = Object.entries(document.paths)
      .map(([template, item]) => {
        const pattern = template
          .split(/(\{[^}]+\})/)
          .map((part) => (/^\{[^}]+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('');
        return {
          regex: new RegExp(`^${pattern}$`),
          template,
          literalChars: template.replace(/\{[^}]+\}/g, '').length,
          params: (template.match(/\{/g) ?? []).length,
          item,
        };
      })
      // Like Fastify: a static segment wins over a parameter.
      .sort((a, b) => a.params - b.params || b.literalChars - a.literalChars);
  }

  /** The documented operation serving `method url`, or null when the document has none. */
  match(method: string, url: string): RouteMatch | null {
    const path = url.split('?')[0];
    const m = method.toLowerCase();
    for (const route of this.routes) {
      if (!route.regex.test(path)) continue;
      const operation = route.item[m];
      if (operation !== undefined && METHODS.includes(m)) return { template: route.template, method: m, operation: operation as OpenApiOperation };
    }
    return null;
  }

  /** Every documented operation, for generators. */
  operations(): RouteMatch[] {
    return Object.entries(this.document.paths).flatMap(([template, item]) =>
      Object.entries(item)
        .filter(([m]) => METHODS.includes(m))
        .map(([method, operation]) => ({ template, method, operation: operation as OpenApiOperation })),
    );
  }

  /** Null when the document declares this response exactly; otherwise what is wrong with it. */
  check(response: ObservedResponse): string | null {
    const where = `${response.method.toUpperCase()} ${response.url} → ${response.status}`;
    // HTTP answers HEAD as it answers GET, without the body (Fastify adds a HEAD route per GET);
    // OpenAPI documents the GET, so a HEAD is held to the GET's statuses.
    const head = response.method.toLowerCase() === 'head';
    const route = this.match(response.method, response.url) ?? (head ? this.match('get', response.url) : null);
    if (!route) return `${where}: no operation in /docs/json serves ${response.method.toUpperCase()} ${response.url.split('?')[0]}`;
    const responses = route.operation.responses ?? {};
    const declared = responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses.default;
    const op = `${route.method.toUpperCase()} ${route.template}`;
    if (!declared) return `${where}: ${op} does not declare status ${response.status} (declared: ${Object.keys(responses).join(', ')}); body: ${response.text.slice(0, 300)}`;
    if (head) return response.text.length === 0 ? null : `${where}: a HEAD answer carries a body: ${response.text.slice(0, 300)}`;
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      return response.text.length === 0 ? null : `${where}: ${op} declares no body for ${response.status}, got ${response.text.slice(0, 300)}`;
    }
    const type = mediaType(response.contentType);
    if (type === null || !content[type])
      return `${where}: ${op} ${response.status} declares ${Object.keys(content).join(', ')}, got content-type ${response.contentType}`;
    const schema = content[type].schema;
    if (schema === undefined) return null;
    let body: unknown = response.text;
    if (type === 'application/json' || type.endsWith('+json')) {
      try {
        body = JSON.parse(response.text);
      } catch {
        return `${where}: content-type ${type} but the body is not JSON: ${response.text.slice(0, 300)}`;
      }
    }
    const validate = this.validator(`${op} ${response.status} ${type}`, schema);
    if (validate(body)) return null;
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    return `${where}: the body does not match ${op} ${response.status} ${type}: ${errors.join('; ')}; body: ${response.text.slice(0, 500)}`;
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
