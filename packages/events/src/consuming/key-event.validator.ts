import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadSchemaFiles, schemaFileName } from '../contract/schema-files';

/**
 * Checks a message value against the JSON Schema of its type and schema version (the files in
 * `schemas/`), compiled once. Answers the violations, empty when it conforms; null when no schema
 * file exists for that type and version (a type or version newer than this package).
 */
export class KeyEventValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(schemas: Map<string, Record<string, unknown>> = loadSchemaFiles()) {
    // Strict, with formats: a uuid or date-time that is not one is a violation, as the files say.
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    for (const [file, schema] of schemas) this.validators.set(file, ajv.compile(schema));
  }

  violations(type: string, schemaVersion: number, value: unknown): string[] | null {
    const validate = this.validators.get(schemaFileName(type, schemaVersion));
    if (!validate) return null;
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` ('${String(e.params.additionalProperty)}')` : ''}`);
  }
}
