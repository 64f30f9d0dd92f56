import { OpenApiDocument, SchemaObject } from './openapi-document';

const ENDPOINT = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)\s*$/m;
const RESPONSE_HEADING = /^#### Response\s*$/m;
const NEXT_HEADING = /^#{1,4} /m;
const FIELD_ANCHOR = /^\[\]\(#response-[^)]*\)\s*$/m;
const FENCED_BLOCK = /^```[^\n]*\n([\s\S]*?)\n```\s*$/gm;
const TYPE_PART = /^(string|integer|number|boolean|null|object)(?:<([\w-]+)>)?$/;
/** FastAPI's description of an operation's default response, which is a 200. */
const STATUS_OF_DESCRIPTION: Record<string, string> = { 'Successful Response': '200' };

/**
 * An API reference page rendered to markdown from an OpenAPI document (seed 002: the endpoint line,
 * one `[](#response-<field>)` block per response field with `Type: \`string<uuid> | null\``,
 * `Required`, `Default: …`, lengths), turned back into the OpenAPI 3.1 document it came from, so
 * it is validated by the same code as the seeds that carry their OpenAPI. Anything the parser does
 * not recognise is an error: a silently skipped field would be a field nobody checks.
 */
export function parseApiReferenceMarkdown(text: string): OpenApiDocument {
  const endpoint = ENDPOINT.exec(text);
  if (endpoint === null) throw new Error('No "METHOD /path" line in the markdown seed');
  const [, method, path] = endpoint;

  const heading = RESPONSE_HEADING.exec(text);
  if (heading === null) throw new Error('No "#### Response" section in the markdown seed');
  let section = text.slice(heading.index + heading[0].length);
  const next = NEXT_HEADING.exec(section);
  if (next !== null) section = section.slice(0, next.index);

  const [intro, ...fields] = section.split(FIELD_ANCHOR);
  const introLines = nonEmptyLines(intro);
  const status = STATUS_OF_DESCRIPTION[introLines[0]];
  if (status === undefined) throw new Error(`Unknown response description "${introLines[0]}": which status is it?`);
  // "V2 API Key Create Response - uses private_key …": the model's title, as a component name.
  const title = (introLines[1] ?? 'Response').split(' - ')[0];
  const componentName = title.replace(/[^A-Za-z0-9]/g, '');

  const properties: Record<string, SchemaObject> = {};
  const required: string[] = [];
  for (const field of fields) {
    const [name, ...lines] = nonEmptyLines(field).map(unescapeMarkdown);
    const schema: SchemaObject = {};
    const description: string[] = [];
    for (const line of lines) {
      let m: RegExpExecArray | null;
      if ((m = /^Type: `([^`]+)`$/.exec(line))) Object.assign(schema, typeOf(m[1]));
      else if (line === 'Required') required.push(name);
      else if ((m = /^Default: `([^`]+)`$/.exec(line))) schema.default = JSON.parse(m[1]);
      else if ((m = /^Maximum string length: `(\d+)`$/.exec(line))) schema.maxLength = Number(m[1]);
      else if ((m = /^Minimum string length: `(\d+)`$/.exec(line))) schema.minLength = Number(m[1]);
      else if ((m = /^Required string length: `(\d+) - (\d+)`$/.exec(line))) Object.assign(schema, { minLength: Number(m[1]), maxLength: Number(m[2]) });
      else if (/^[A-Za-z]+[\w ]*:/.test(line)) throw new Error(`Unrecognised attribute line of field ${name}: "${line}"`);
      else description.push(line);
    }
    if (schema.type === undefined) throw new Error(`Field ${name} of the markdown seed has no Type`);
    if (description.length > 0) schema.description = description.join(' ');
    properties[name] = schema;
  }
  if (Object.keys(properties).length === 0) throw new Error('The markdown seed\'s response lists no fields');

  return {
    openapi: '3.1.0',
    paths: {
      [path]: {
        [method.toLowerCase()]: {
          responses: {
            [status]: {
              description: introLines[0],
              content: { 'application/json': { schema: { $ref: `#/components/schemas/${componentName}` }, example: exampleOf(text) } },
            },
          },
        },
      },
    },
    components: { schemas: { [componentName]: { type: 'object', required, properties } } },
  };
}

/** `string<date-time> | null` → `{type: ['string', 'null'], format: 'date-time'}`. */
function typeOf(expression: string): SchemaObject {
  const types: string[] = [];
  let format: string | undefined;
  for (const part of expression.split('|').map((p) => p.trim())) {
    const m = TYPE_PART.exec(part);
    if (m === null) throw new Error(`Unsupported type "${part}" in the markdown seed`);
    types.push(m[1]);
    if (m[2] !== undefined) format = m[2];
  }
  return { type: types.length === 1 ? types[0] : types, ...(format === undefined ? {} : { format }) };
}

/** The first fenced block that is JSON: the page's response example. */
function exampleOf(text: string): unknown {
  for (const [, body] of text.matchAll(FENCED_BLOCK)) {
    try {
      return JSON.parse(body);
    } catch {
      /* the curl example, not JSON */
    }
  }
  return undefined;
}

function nonEmptyLines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

function unescapeMarkdown(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}
