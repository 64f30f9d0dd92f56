import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret, KeyHasher } from '@key-service/verifier';
import { AppConfig } from './app.config';

export interface ResolvedSecrets {
  readonly hasher: KeyHasher;
  /** Hash of the root key: the plaintext is never kept. */
  readonly rootKeyHash: string;
  /** Set only on the first embedded start, when the root key was just generated: shown once. */
  readonly generatedRootKey: string | null;
}

/**
 * The pepper and root key. In the embedded mode they are generated on first start and kept under
 * DATA_DIR (the pepper, and only the hash of the root key), so `npm start` needs no setup.
 */
export function resolveSecrets(config: AppConfig): ResolvedSecrets {
  const dir = config.dataDir;
  const pepperFile = join(dir, 'pepper');
  const rootHashFile = join(dir, 'root-key.hash');
  let pepper = config.keyPepper;
  if (!pepper) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(pepperFile)) writeFileSync(pepperFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
    pepper = readFileSync(pepperFile, 'utf8').trim();
  }
  const hasher = new KeyHasher(pepper);
  if (config.rootApiKey) return { hasher, rootKeyHash: hasher.hash(config.rootApiKey), generatedRootKey: null };
  if (existsSync(rootHashFile)) return { hasher, rootKeyHash: readFileSync(rootHashFile, 'utf8').trim(), generatedRootKey: null };
  const root = generateSecret('root').plaintext;
  mkdirSync(dir, { recursive: true });
  writeFileSync(rootHashFile, hasher.hash(root), { mode: 0o600 });
  return { hasher, rootKeyHash: hasher.hash(root), generatedRootKey: root };
}
