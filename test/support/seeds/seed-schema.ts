import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import Ajv2020, { ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { parseApiReferenceMarkdown } from './api-reference-markdown.parser';
import { isOpenApiDocument, OpenApiDocument, ResponseObject, SchemaObject } from './openapi-document';
import { toJsonSchema } from './openapi-schema.converter';
import { seedPath } from './seeds-dir';

const FENCED_BLOCK = /^(`{3,})[^\n]*\n([\s\S]*?)\n\1\s*$/gm;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export interface SchemaOptions {
  /** Properties a derived schema leaves out (an added list route shows the create response without its secret). */
  readonly without?: readonly string[];
  /**
   * Also refuse properties the schema does not declare. Stricter than the seeds (OpenAPI objects
   * are open): our responses should carry nothing a generated client cannot name, and a secret
   * leaking into a list shows up as an undeclared field.
   */
  readonly closed?: boolean;
}

/** A compiled check of one response body against a schema taken from a seed. */
export interface SeedSchema {
  /** Where the schema comes from, e.g. `001 POST /v1/api-keys 201`. */
  readonly source: string;
  /** The seed's own example of this response, if it has one. */
  readonly example: unknown;
  /** The violations, as `<json pointer> <message> (value)`; empty when the body is valid. */
  errors(body: unknown): string[];
  /** Throws, listing every violation, unless the body is valid. */
  assert(body: unknown): void;
}

/**
 * One seed file's API document, with ajv validators for its response schemas. Seeds 000, 001 and
 * 003 embed their OpenAPI document as a fenced YAML block; 002 is a rendered reference page whose
 * response model is read back from the markdown; 004 is prose and has no schema (loading it fails).
 */
export class SeedDocument {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, verbose: true });
  private readonly refBase: string;
  private readonly basePath: string;

  constructor(
    readonly name: string,
    readonly document: OpenApiDocument,
  ) {
    addFormats(this.ajv);
    this.refBase = `https://seeds.invalid/${encodeURIComponent(name)}.json`;
    const openapi30 = document.openapi.startsWith('3.0');
    const schemas = Object.fromEntries(
      Object.entries(document.components?.schemas ?? {}).map(([n, s]) => [n, toJsonSchema(s, { openapi30, refBase: this.refBase })]),
    );
    this.ajv.addSchema({ $id: this.refBase, $defs: schemas });
    this.basePath = basePathOf(document);
  }

  /**
   * The response schema the seed gives for `method path status`. `path` is the path as served,
   * i.e. the server URL's path plus the seed's path template (`/api` + `/api-key` for Fusion).
   * Fails loudly when the seed has no such operation or status, or declares no body for it.
   */
  response(method: string, path: string, status: number, options: SchemaOptions = {}): SeedSchema {
    const source = `${this.name} ${method.toUpperCase()} ${path} ${status}`;
    const templates = Object.keys(this.document.paths);
    const template = templates.find((p) => this.basePath + p === path);
    const operation = template === undefined ? undefined : this.document.paths[template][method.toLowerCase()];
    if (operation === undefined) throw new Error(`${this.name} has no operation ${method.toUpperCase()} ${path}; it has: ${this.operations().join(', ')}`);
    const declared = operation.responses?.[String(status)];
    if (declared === undefined)
      throw new Error(`${this.name} declares no ${status} for ${method.toUpperCase()} ${path}; it declares: ${Object.keys(operation.responses ?? {}).join(', ')}`);
    const response = this.resolveResponse(declared);
    const media = response.content?.['application/json'];
    if (media?.schema === undefined) throw new Error(`${source}: the seed declares no JSON body schema for this response`);
    const schema = toJsonSchema(media.schema, { openapi30: this.document.openapi.startsWith('3.0'), refBase: this.refBase });
    return this.compile(source, this.shape(schema, options), media.example);
  }

  /** A schema of the seed's components, for routes the seed does not document but whose body it names. */
  component(name: string, options: SchemaOptions = {}): SeedSchema {
    return this.compile(`${this.name} ${name}`, this.componentSchema(name, options), undefined);
  }

  /** A JSON array of one component, as list routes answer. */
  arrayOf(name: string, options: SchemaOptions = {}): SeedSchema {
    return this.compile(`${this.name} ${name}[]`, { type: 'array', items: this.componentSchema(name, options) }, undefined);
  }

  /** A schema of our own that embeds components: `$ref(name)` names them, e.g. a paged list envelope. */
  custom(source: string, build: (ref: (name: string, options?: SchemaOptions) => SchemaObject) => SchemaObject): SeedSchema {
    return this.compile(`${this.name} ${source}`, build((name, options = {}) => this.componentSchema(name, options)), undefined);
  }

  /** `METHOD path` of every operation the seed documents, as served. */
  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([p, item]) =>
      Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${this.basePath}${p}`),
    );
  }

  private componentSchema(name: string, options: SchemaOptions): SchemaObject {
    if (this.document.components?.schemas?.[name] === undefined) throw new Error(`${this.name} has no component schema ${name}`);
    return this.shape({ $ref: `${this.refBase}#/$defs/${name}` }, options);
  }

  /** Applies `without` (on a copy of the component) and `closed`. */
  private shape(schema: SchemaObject, { without = [], closed = false }: SchemaOptions): SchemaObject {
    let shaped = schema;
    if (without.length > 0) {
      const target = this.dereference(schema);
      const properties = target.properties as Record<string, SchemaObject> | undefined;
      for (const p of without) if (properties?.[p] === undefined) throw new Error(`${this.name}: cannot leave out ${p}, the schema does not declare it`);
      shaped = {
        ...target,
        properties: Object.fromEntries(Object.entries(properties ?? {}).filter(([p]) => !without.includes(p))),
        ...(Array.isArray(target.required) ? { required: target.required.filter((p: string) => !without.includes(p)) } : {}),
      };
    }
    // 2020-12's unevaluatedProperties sees through $ref and allOf, so it closes composed schemas too.
    return closed ? { type: 'object', ...shaped, unevaluatedProperties: false } : shaped;
  }

  /** A `$ref` to a plain object component, as that component's (converted) schema. */
  private dereference(schema: SchemaObject): SchemaObject {
    if (typeof schema.$ref !== 'string') return schema;
    const name = schema.$ref.slice(`${this.refBase}#/$defs/`.length);
    const target = this.ajv.getSchema(`${this.refBase}#/$defs/${name}`)?.schema;
    if (typeof target !== 'object' || target === null || !('properties' in target)) throw new Error(`${this.name}: ${name} is not a plain object schema`);
    return target as SchemaObject;
  }

  private resolveResponse(response: ResponseObject): ResponseObject {
    if (response.$ref === undefined) return response;
    const name = /^#\/components\/responses\/([^/]+)$/.exec(response.$ref)?.[1];
    const resolved = name === undefined ? undefined : this.document.components?.responses?.[name];
    if (resolved === undefined) throw new Error(`${this.name}: unresolvable response $ref ${response.$ref}`);
    return resolved;
  }

  private compile(source: string, schema: SchemaObject, example: unknown): SeedSchema {
    const validate = this.ajv.compile(schema);
    const errors = (body: unknown): string[] => (validate(body) ? [] : (validate.errors ?? []).map(describe));
    return {
      source,
      example,
      errors,
      assert(body) {
        const found = errors(body);
        if (found.length > 0) throw new Error(`Response breaks ${source}:\n  ${found.join('\n  ')}`);
      },
    };
  }
}

/** Loads seed `number` (`'000'`…`'003'`) from the seeds directory. */
export function loadSeed(number: string): SeedDocument {
  const path = seedPath(number);
  return new SeedDocument(basename(path), extractOpenApi(readFileSync(path, 'utf8'), basename(path)));
}

/** The OpenAPI document of a seed file: its one fenced block that is one, else the markdown rendering of one. */
export function extractOpenApi(text: string, name: string): OpenApiDocument {
  const documents = [...text.matchAll(FENCED_BLOCK)].map(([, , body]) => parseQuietly(body)).filter(isOpenApiDocument);
  if (documents.length > 1) throw new Error(`${name} holds ${documents.length} OpenAPI documents; expected one`);
  if (documents.length === 1) return documents[0];
  try {
    return parseApiReferenceMarkdown(text);
  } catch (error) {
    throw new Error(`${name} holds no OpenAPI document and is no API reference page: ${(error as Error).message}`);
  }
}

function parseQuietly(body: string): unknown {
  try {
    return parseYaml(body);
  } catch {
    return undefined;
  }
}

/** The path part of the first server URL (`https://{FUSION HOST}/api` → `/api`), '' without servers. */
function basePathOf(document: OpenApiDocument): string {
  const server = document.servers?.[0];
  if (server === undefined) return '';
  const url = server.url.replace(/\{([^}]+)\}/g, (_, v: string) => server.variables?.[v]?.default ?? v).replace(/\s/g, '_');
  return new URL(url, 'http://relative.invalid').pathname.replace(/\/$/, '');
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(body)' : error.instancePath;
  return `${where} ${error.message ?? error.keyword}${error.keyword === 'unevaluatedProperties' ? ` (${String(error.params.unevaluatedProperty)})` : ''} (was ${JSON.stringify(error.data)})`;
}
