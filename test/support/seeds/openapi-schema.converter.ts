import { SchemaObject } from './openapi-document';

/** Keywords whose value is one schema, an array of schemas, or a map of name → schema. */
const SCHEMA_VALUED = new Set(['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'unevaluatedProperties', 'if', 'then', 'else']);
const SCHEMA_ARRAYS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
/** OpenAPI annotations JSON Schema does not know; they constrain nothing, so they are dropped. */
const OPENAPI_ANNOTATIONS = new Set(['example', 'xml', 'externalDocs']);
const COMPONENT_REF = /^#\/components\/schemas\/([^/]+)$/;

export interface ConvertOptions {
  /** OpenAPI 3.0's schema dialect (`nullable`, boolean `exclusiveMinimum`); 3.1 is JSON Schema 2020-12 already. */
  readonly openapi30: boolean;
  /** Absolute URI of the document's components: `#/components/schemas/X` becomes `<refBase>#/$defs/X`. */
  readonly refBase: string;
}

/**
 * An OpenAPI schema object as a JSON Schema 2020-12 schema that ajv validates with the seed's own
 * meaning. In 3.0, `nullable: true` is the only way a value may be null: without it a null is
 * invalid, which is exactly what a validating proxy in front of a client enforces. Keywords are
 * only rewritten where they are keywords: property names (`properties.nullable`) and enum values
 * are data.
 */
export function toJsonSchema(schema: SchemaObject, options: ConvertOptions): SchemaObject {
  const out: SchemaObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (OPENAPI_ANNOTATIONS.has(keyword)) continue;
    if (keyword === 'discriminator') throw new Error('discriminator is not supported by the seed validator; add it before relying on it');
    if (keyword === 'nullable' && options.openapi30) continue;
    if (keyword === '$ref') out.$ref = rewriteRef(value);
    else if (SCHEMA_VALUED.has(keyword) && isSchema(value)) out[keyword] = toJsonSchema(value, options);
    else if (SCHEMA_ARRAYS.has(keyword) && Array.isArray(value)) out[keyword] = value.map((s: SchemaObject) => toJsonSchema(s, options));
    else if (SCHEMA_MAPS.has(keyword) && isSchema(value))
      out[keyword] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, toJsonSchema(s as SchemaObject, options)]));
    else out[keyword] = value;
  }
  if (options.openapi30) {
    exclusiveBoundsOf30(out);
    if (schema.nullable === true) return allowNull(out);
  }
  return out;

  function rewriteRef(ref: unknown): string {
    const match = typeof ref === 'string' ? COMPONENT_REF.exec(ref) : null;
    if (match === null) throw new Error(`Unsupported $ref ${String(ref)}: only #/components/schemas/* is resolved`);
    return `${options.refBase}#/$defs/${match[1]}`;
  }
}

function isSchema(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** 3.0 `nullable: true`: null is one more allowed value, whatever else the schema says. */
function allowNull(schema: SchemaObject): SchemaObject {
  if (typeof schema.type === 'string') {
    const widened: SchemaObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) widened.enum = [...schema.enum, null];
    return widened;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

/** 3.0 (draft 4) `exclusiveMinimum: true` beside `minimum` is 2020-12's numeric `exclusiveMinimum`. */
function exclusiveBoundsOf30(schema: SchemaObject): void {
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (schema[exclusive] === true) {
      schema[exclusive] = schema[bound];
      delete schema[bound];
    } else if (schema[exclusive] === false) delete schema[exclusive];
  }
}
