import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SOURCES = join(ROOT, 'apps/console');
const BUILT_INDEX = join(ROOT, 'dist/console/index.html');

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }, 0);
}

/** CI runs only `npm ci && npm test`: build the console when it is missing or older than its sources. */
export function ensureConsoleBuilt(): void {
  if (existsSync(BUILT_INDEX) && statSync(BUILT_INDEX).mtimeMs >= newestSource(SOURCES)) return;
  execSync('npx vite build --config apps/console/vite.config.mts --logLevel warn', { cwd: ROOT, stdio: 'inherit' });
}
