import fc from 'fast-check';
import { OpenApiParameter, RouteMatch } from './openapi-response.validator';

/** One generated HTTP request, and the kind of input it carries (to group failures by). */
export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly kind: string;
}

/** What a generator may use besides the document: credentials and ids that exist. */
export interface FuzzContext {
  readonly rootKey: string;
  /** An admin key of another tenant than the keys in `keyIds`. */
  readonly otherTenantKey: string;
  readonly keyIds: readonly string[];
  readonly components: Record<string, unknown>;
}

type Schema = Record<string, unknown>;

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u0007\u001b[31m',
  '__proto__',
  'constructor',
  '💥'.repeat(40),
  '%00',
  'a'.repeat(300),
  '-1',
  '1e309',
  '99999999999999999999999',
  'null',
  'true',
  '2024-02-30T25:61:00Z',
  '0x10',
];

const WRONG_TYPED = fc.constantFrom<unknown>(null, true, 0, -1, 1.5, 1e308, 'str', [], {}, [1, 'a'], { nested: { deeper: [null] } });

function resolve(schema: unknown, components: Record<string, unknown>): Schema {
  let s = (schema ?? {}) as Schema;
  for (let i = 0; typeof s.$ref === 'string' && i < 10; i++) s = components[(s.$ref as string).split('/').pop()!] as Schema;
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const [first, ...rest] = s.allOf as unknown[];
    const { allOf: _allOf, ...own } = s;
    s = { ...resolve(first, components), ...own, ...(rest.length ? { allOf: rest } : {}) };
  }
  return s;
}

/** Values that conform to `schema` (as far as a generator reasonably can: patterns are tried, not guaranteed). */
export function valueFor(schema: unknown, components: Record<string, unknown>, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const base = baseValueFor(s, components, depth);
  return s.nullable === true ? fc.oneof(base, fc.constant(null)) : base;
}

function baseValueFor(s: Schema, components: Record<string, unknown>, depth: number): fc.Arbitrary<unknown> {
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const variants = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (variants) return fc.oneof(...variants.map((v) => valueFor(v, components, depth + 1)));
  switch (s.type) {
    case 'string': {
      if (s.format === 'date-time')
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'uuid') return fc.uuid();
      if (typeof s.pattern === 'string') {
        try {
          return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= ((s.maxLength as number) ?? 1000));
        } catch {
          /* a pattern JavaScript cannot read: plain strings */
        }
      }
      return fc.string({ minLength: (s.minLength as number) ?? 0, maxLength: Math.min((s.maxLength as number) ?? 40, 200) });
    }
    case 'integer':
    case 'number': {
      const min = (s.minimum as number) ?? -1_000_000;
      const max = (s.maximum as number) ?? 1_000_000_000;
      return s.type === 'integer' ? fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, 2 ** 31 - 1) }) : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(valueFor(s.items, components, depth + 1), { maxLength: Math.min((s.maxItems as number) ?? 5, 5) });
    default: {
      if (depth > 4) return fc.constant({});
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set((s.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, prop] of Object.entries(properties)) {
        if ((resolve(prop, components) as Schema).readOnly === true && !required.has(name)) continue;
        record[name] = valueFor(prop, components, depth + 1);
      }
      const object = fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
      if (s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(properties).length === 0)
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), valueFor(s.additionalProperties, components, depth + 1), { maxKeys: 4 });
      return object;
    }
  }
}

/** A valid body with one thing broken: a required field missing, a field of the wrong type, an extra field. */
function mutated(schema: unknown, components: Record<string, unknown>): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const names = Object.keys((s.properties ?? {}) as object);
  return fc.tuple(valueFor(schema, components), fc.nat(), WRONG_TYPED, fc.constantFrom('drop', 'retype', 'extra', 'proto')).map(([value, n, wrong, how]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || names.length === 0) return wrong;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const name = names[n % names.length];
    if (how === 'drop') delete copy[(s.required as string[] | undefined)?.[n % ((s.required as string[]).length || 1)] ?? name];
    else if (how === 'retype') copy[name] = wrong;
    else if (how === 'extra') copy[`unexpected_${n % 7}`] = wrong;
    else return JSON.parse(`{"__proto__":{"isRoot":true,"tenant":null},"constructor":{"prototype":{"polluted":1}},${JSON.stringify(copy).slice(1)}`.replace(',}', '}'));
    return copy;
  });
}

/** Raw body texts JSON.stringify would never produce. */
function hostileJson(valid: string): fc.Arbitrary<{ text: string; kind: string }> {
  const depth = fc.integer({ min: 1000, max: 20000 });
  return fc.oneof(
    depth.map((n) => ({ text: '['.repeat(n) + ']'.repeat(n), kind: 'body:deep-nesting' })),
    depth.map((n) => ({ text: '{"a":'.repeat(n) + '1' + '}'.repeat(n), kind: 'body:deep-nesting' })),
    fc.constant({ text: valid.replace(/^\{/, '{"name":"first",').replace(',}', '}'), kind: 'body:duplicate-keys' }),
    fc.constant({ text: valid.replace(/"([^"]+)":"/, '"$1":"\\u0000'), kind: 'body:nul' }),
    fc.constant({ text: valid.replace(/"([^"]+)":"/, '"$1":"\\ud800'), kind: 'body:lone-surrogate' }),
    fc.constant({ text: `{"name":"${'x'.repeat(70_000)}"}`, kind: 'body:huge' }),
    fc.constant({ text: `{"name":"${'x'.repeat(60_000)}"}`, kind: 'body:large' }),
    fc.constantFrom('{', '{"name":', 'nul', '', '[]', '"str"', '42', 'null', '{"a":1}}', '\ufeff{}').map((text) => ({ text, kind: 'body:malformed' })),
  );
}

function encodeSegment(value: string): string {
  // Lone surrogates cannot be percent-encoded as UTF-8; send their CESU bytes, which are invalid UTF-8.
  return [...value].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('').replace(/^\.{1,2}$/, 'dot');
}

function parameterValue(p: OpenApiParameter, context: FuzzContext): fc.Arbitrary<{ value: string; kind: string }> {
  const valid = valueFor(p.schema ?? { type: 'string' }, context.components).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  const options: fc.Arbitrary<{ value: string; kind: string }>[] = [
    valid.map((value) => ({ value, kind: `${p.in}:valid` })),
    fc.constantFrom(...WEIRD_STRINGS).map((value) => ({ value, kind: `${p.in}:hostile` })),
  ];
  if (p.in === 'path' && /id$/i.test(p.name) && context.keyIds.length > 0)
    options.push(fc.constantFrom(...context.keyIds).map((value) => ({ value, kind: 'path:existing-key' })));
  if (p.in === 'path' && p.name === 'account_id') options.push(fc.constantFrom('default', 'fuzz-other').map((value) => ({ value, kind: 'path:account' })));
  return fc.oneof(...options);
}

function auth(context: FuzzContext): fc.Arbitrary<{ headers: Record<string, string>; kind: string }> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ headers: { 'x-api-key': context.rootKey, authorization: `Bearer ${context.rootKey}` }, kind: 'auth:root' }) },
    { weight: 2, arbitrary: fc.constant({ headers: { 'x-api-key': context.otherTenantKey, authorization: `Bearer ${context.otherTenantKey}` }, kind: 'auth:other-tenant' }) },
    { weight: 1, arbitrary: fc.constant({ headers: {}, kind: 'auth:none' }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('sk_wrong', 'Bearer', '', 'x'.repeat(4000), `${context.rootKey} `)
        .map((k) => ({ headers: { 'x-api-key': k, authorization: `Bearer ${k}` }, kind: 'auth:wrong' })),
    },
  );
}

/** Requests for one operation: valid ones and every kind of broken one, built from its declaration. */
export function requestFor(route: RouteMatch, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const params = route.operation.parameters ?? [];
  const bodySchema = route.operation.requestBody?.content?.['application/json']?.schema;
  const takesBody = ['post', 'put', 'patch', 'delete'].includes(route.method);
  const pathParams = fc.tuple(...params.filter((p) => p.in === 'path').map((p) => parameterValue(p, context).map((v) => ({ p, ...v }))));
  const queryParams = fc.tuple(
    ...params.filter((p) => p.in === 'query').map((p) => fc.option(parameterValue(p, context).map((v) => ({ p, ...v })), { freq: 2 })),
  );
  const headerParams = fc.tuple(
    ...params
      .filter((p) => p.in === 'header')
      .map((p) => fc.option(fc.oneof(fc.constantFrom('"1"', '1', 'W/"2"', '"999999999"'), fc.constantFrom('junk', '"-1"', '*', '""')), { freq: 2 }).map((v) => ({ p, v }))),
  );
  const validBody = bodySchema ? valueFor(bodySchema, context.components).map((v) => JSON.stringify(v)) : fc.constant(undefined);
  const body = fc.oneof(
    { weight: 5, arbitrary: validBody.map((text) => ({ text, kind: 'body:valid' })) },
    { weight: 3, arbitrary: (bodySchema ? mutated(bodySchema, context.components) : WRONG_TYPED).map((v) => ({ text: JSON.stringify(v), kind: 'body:mutated' })) },
    { weight: 2, arbitrary: validBody.chain((text) => hostileJson(text ?? '{}')) },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 2, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '') },
  );
  return fc
    .record({ pathParams, queryParams, headerParams, auth: auth(context), body: takesBody ? body : fc.constant(undefined), contentType, extraQuery: fc.option(fc.constantFrom('unknown=1', 'limit=1&limit=2', 'x=%FF', 'y=%ED%A0%80', 'z=%00'), { freq: 4 }) })
    .map(({ pathParams: path, queryParams: query, headerParams: header, auth: a, body: b, contentType: ct, extraQuery }) => {
      let url = route.template;
      for (const { p, value } of path) url = url.replace(`{${p.name}}`, encodeSegment(value || 'x'));
      const q = query.filter((x) => x !== null).map((x) => `${encodeURIComponent(x!.p.name)}=${encodeSegment(x!.value)}`);
      if (extraQuery) q.push(extraQuery);
      if (q.length) url += `?${q.join('&')}`;
      const headers: Record<string, string> = { ...a.headers };
      for (const { p, v } of header) if (v !== null) headers[p.name.toLowerCase()] = v;
      if (b !== undefined && b.text !== undefined && ct !== '') headers['content-type'] = ct;
      const kinds = [a.kind, ...path.map((x) => x.kind), ...query.filter((x) => x !== null).map((x) => x!.kind), ...(b ? [b.kind] : [])];
      if (extraQuery) kinds.push('query:extra');
      if (b && ct !== 'application/json') kinds.push(`content-type:${ct || 'none'}`);
      return { method: route.method.toUpperCase(), url, headers, body: b?.text, kind: kinds.join(' ') };
    });
}
