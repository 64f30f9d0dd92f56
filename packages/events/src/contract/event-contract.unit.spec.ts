import * as path from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { KEY_EVENT_SCHEMA_VERSION, KEY_EVENT_TYPES } from '../key-event';
import { loadSchemaFiles, schemaFileName } from './schema-files';
import { schemaShape } from './schema-shape';

jest.setTimeout(60_000);

// The TypeScript types are generated into JSON Schemas from the very source consumers compile
// against (KeyEventMessage and the event data types), then both are reduced to shapes and compared.
const generator = createGenerator({
  path: path.join(__dirname, '..', 'key-event.message.ts'),
  skipTypeCheck: true,
  expose: 'none',
  topRef: false,
  jsDoc: 'none',
  additionalProperties: false,
});
const files = loadSchemaFiles();

function generated(type: string): Record<string, unknown> {
  return generator.createSchema(`${type}Message`) as Record<string, unknown>;
}

describe('the event contract: TypeScript types and JSON Schemas are one definition', () => {
  it.each(KEY_EVENT_TYPES.map((type) => [type]))('%s: its type and the schema file of its current version describe the same message', (type) => {
    const file = files.get(schemaFileName(type, KEY_EVENT_SCHEMA_VERSION[type]));
    expect(file).toBeDefined();
    expect(schemaShape(generated(type))).toEqual(schemaShape(file as Record<string, unknown>));
  });

  it('notices a disagreement: a schema that drops a required field or retypes one no longer matches', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a schema file, edited field by field below
    const file = files.get(schemaFileName('KeyRevoked', KEY_EVENT_SCHEMA_VERSION.KeyRevoked)) as Record<string, any>;
    const fromType = schemaShape(generated('KeyRevoked'));
    const withoutReason = structuredClone(file);
    withoutReason.properties.data.required = [];
    expect(schemaShape(withoutReason)).not.toEqual(fromType);
    const retyped = structuredClone(file);
    retyped.properties.data.properties.reason = { type: 'string' };
    expect(schemaShape(retyped)).not.toEqual(fromType);
    const extraField = structuredClone(file);
    extraField.properties.data.properties.note = { type: 'string' };
    expect(schemaShape(extraField)).not.toEqual(fromType);
  });

  it('keeps a schema file for every version a consumer may still meet, from 1 to the current one', () => {
    for (const type of KEY_EVENT_TYPES)
      for (let v = 1; v <= KEY_EVENT_SCHEMA_VERSION[type]; v++) expect([type, v, files.has(schemaFileName(type, v))]).toEqual([type, v, true]);
  });
});
