import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/**
 * Where the seed API documents are. CI runs on a clean clone with a read-only `shared/` beside the
 * repo; a git worktree elsewhere on this machine has no such sibling, hence the fixed fallback. An
 * explicit SEEDS_DIR that does not exist is an error, not a reason to look elsewhere: a test that
 * silently read other seeds than the ones it was pointed at would prove nothing.
 */
export function seedsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SEEDS_DIR !== undefined && env.SEEDS_DIR !== '') {
    if (!isDirectory(env.SEEDS_DIR)) throw new Error(`SEEDS_DIR=${env.SEEDS_DIR} is not a directory`);
    return env.SEEDS_DIR;
  }
  const candidates = [join(REPO_ROOT, '..', 'shared', 'seeds'), '/work/shared/seeds'];
  const found = candidates.find(isDirectory);
  if (found === undefined) throw new Error(`No seeds directory: tried ${candidates.join(', ')}; set SEEDS_DIR`);
  return found;
}

/** The path of seed `number` (`'001'`): the one file of the seeds directory named `<number>_*`. */
export function seedPath(number: string, dir: string = seedsDir()): string {
  const matches = readdirSync(dir).filter((name) => name.startsWith(`${number}_`));
  if (matches.length !== 1) throw new Error(`Expected one seed file ${number}_* in ${dir}, found ${matches.length}: ${matches.join(', ')}`);
  return join(dir, matches[0]);
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
