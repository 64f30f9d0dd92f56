/**
 * What a JSON Schema says about a value's shape, and nothing else: its JSON types, the values it
 * allows when it lists them, its properties, which are required, whether others are allowed, and
 * its items. Both the schema files and the schemas generated from the TypeScript types reduce to
 * this, so the contract test compares them mechanically. Left out on purpose, because TypeScript
 * cannot say them: `integer` (a refinement of `number`), `format`, `minimum`, `minProperties`, and
 * descriptions.
 */
export interface SchemaShape {
  readonly types: readonly string[];
  /** JSON of every allowed value, sorted; absent when the schema does not list them. */
  readonly values?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaShape>>;
  readonly required?: readonly string[];
  /** false: no other property; true: any; a shape: others of that shape. */
  readonly additional?: boolean | SchemaShape;
  readonly items?: SchemaShape;
}

type JsonSchema = Record<string, unknown>;

const JSON_TYPES = ['array', 'boolean', 'null', 'number', 'object', 'string'];

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function mergeShapes(members: SchemaShape[]): SchemaShape {
  const types = [...new Set(members.flatMap((m) => m.types))].sort();
  // Values are listed for the union only when every member lists them.
  const values = members.every((m) => m.values) ? [...new Set(members.flatMap((m) => m.values ?? []))].sort() : undefined;
  const objects = members.filter((m) => m.properties !== undefined);
  const arrays = members.filter((m) => m.items !== undefined);
  if (objects.length > 1 || arrays.length > 1) throw new Error('a union of two object or two array shapes is not used by the contract');
  return { ...objects[0], ...arrays[0], types, ...(values ? { values } : {}) };
}

export function schemaShape(schema: JsonSchema): SchemaShape {
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) return mergeShapes(union.map(schemaShape));

  let values: string[] | undefined;
  if ('const' in schema) values = [JSON.stringify(schema.const)];
  if (Array.isArray(schema.enum)) values = (schema.enum as unknown[]).map((v) => JSON.stringify(v)).sort();
  const declared = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const fromValues = values ? values.map((v) => typeOfValue(JSON.parse(v))) : [];
  const types = [...new Set([...declared, ...fromValues].map((t) => (t === 'integer' ? 'number' : t)))].sort();
  const shape: { -readonly [K in keyof SchemaShape]: SchemaShape[K] } = { types: types.length ? types : JSON_TYPES };
  if (values) shape.values = values;
  if (types.includes('object')) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    shape.properties = Object.fromEntries(Object.keys(properties).sort().map((k) => [k, schemaShape(properties[k])]));
    shape.required = [...((schema.required as string[] | undefined) ?? [])].sort();
    const additional = schema.additionalProperties;
    shape.additional = additional === false ? false : additional === undefined || additional === true ? true : schemaShape(additional as JsonSchema);
  }
  if (types.includes('array') && schema.items) shape.items = schemaShape(schema.items as JsonSchema);
  return shape;
}
