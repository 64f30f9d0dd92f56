import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

const PACKAGES = path.resolve(__dirname, '..', 'packages');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)'([^']+)'/g)].map((m) => m[1]);
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * A published package can only import what its consumers will have: its own files, Node's
 * built-ins, and what its package.json declares. Above all never `@keys/*` or a path into libs/ or
 * apps/: those exist only in this repository (docs/packages.md).
 */
describe('the workspace packages', () => {
  const names = readdirSync(PACKAGES).filter((n) => !n.startsWith('.'));

  it.each(names.map((n) => [n]))('%s imports only its own files, built-ins and its declared dependencies', (name) => {
    const root = path.join(PACKAGES, name);
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const problems: string[] = [];
    for (const file of sources(path.join(root, 'src')))
      for (const specifier of importsOf(file)) {
        const where = `${path.relative(root, file)}: '${specifier}'`;
        if (specifier.startsWith('.')) {
          if (path.relative(path.join(root, 'src'), path.resolve(path.dirname(file), specifier)).startsWith('..')) problems.push(`${where} leaves the package`);
        } else if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        else if (!declared.has(packageOf(specifier))) problems.push(`${where} is not a declared dependency`);
      }
    expect(problems).toEqual([]);
  });

  it('notices an undeclared import', () => {
    expect(packageOf('@keys/domain')).toBe('@keys/domain');
    expect(new Set(['ajv']).has(packageOf('@keys/domain'))).toBe(false);
    expect(importsOf(path.join(PACKAGES, 'events', 'src', 'consuming', 'key-event.validator.ts'))).toEqual(
      expect.arrayContaining(['ajv/dist/2020', 'ajv-formats', '../contract/schema-files']),
    );
  });
});
