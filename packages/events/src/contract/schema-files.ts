import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = '@key-service/events';

/**
 * The package's `schemas/` folder: the JSON Schemas are files (one definition, also linked from
 * docs/events.md), so code finds them next to its own package.json, whether it runs from `src/`
 * (tests), `dist/` (an installed package) or the service's own build (through node_modules).
 */
export function schemasDirectory(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME)
      return path.join(dir, 'schemas');
  }
  return path.join(path.dirname(require.resolve(`${PACKAGE_NAME}/package.json`)), 'schemas');
}

/** `KeyCreated` → `key-created`, as the schema files are named. */
export function schemaFileStem(type: string): string {
  return type.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();
}

export function schemaFileName(type: string, schemaVersion: number): string {
  return `${schemaFileStem(type)}.v${schemaVersion}.json`;
}

/** Every schema file of the package, by file name. */
export function loadSchemaFiles(dir = schemasDirectory()): Map<string, Record<string, unknown>> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  return new Map(files.map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>]));
}
