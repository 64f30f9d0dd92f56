import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret, KeyHasher } from '@key-service/verifier';
import { KeyEncryptionKey, KeyEncryptionKeyRing } from '@keys/secrets';
import { AppConfig } from './app.config';

export interface ResolvedSecrets {
  readonly hasher: KeyHasher;
  /** Hash of the root key: the plaintext is never kept. */
  readonly rootKeyHash: string;
  /** Set only on the first embedded start, when the root key was just generated: shown once. */
  readonly generatedRootKey: string | null;
  /** What seals recoverable keys; null in the distributed mode without KEY_ENCRYPTION_KEY (recoverable keys refused). */
  readonly keyEncryptionKeys: KeyEncryptionKeyRing | null;
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
  const keyEncryptionKeys = resolveKeyEncryptionKeys(config);
  if (config.rootApiKey) return { hasher, rootKeyHash: hasher.hash(config.rootApiKey), generatedRootKey: null, keyEncryptionKeys };
  if (existsSync(rootHashFile)) return { hasher, rootKeyHash: readFileSync(rootHashFile, 'utf8').trim(), generatedRootKey: null, keyEncryptionKeys };
  const root = generateSecret('root').plaintext;
  mkdirSync(dir, { recursive: true });
  writeFileSync(rootHashFile, hasher.hash(root), { mode: 0o600 });
  return { hasher, rootKeyHash: hasher.hash(root), generatedRootKey: root, keyEncryptionKeys };
}

/**
 * KEY_ENCRYPTION_KEY, or in the embedded mode one generated on first start and kept under DATA_DIR
 * beside the pepper (the vault lives in the same PGlite directory: whoever has one has the other,
 * as with the pepper and the hashes). Replicas must share it, so the distributed mode never
 * generates one: without the variable it seals nothing.
 */
function resolveKeyEncryptionKeys(config: AppConfig): KeyEncryptionKeyRing | null {
  if (config.keyEncryptionKey) return new KeyEncryptionKeyRing(config.keyEncryptionKey, config.previousKeyEncryptionKeys);
  if (config.topology.kind !== 'embedded') return null;
  const file = join(config.dataDir, 'key-encryption-key');
  mkdirSync(config.dataDir, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  let current: KeyEncryptionKey;
  try {
    current = KeyEncryptionKey.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} ${(error as Error).message}`);
  }
  return new KeyEncryptionKeyRing(current, config.previousKeyEncryptionKeys);
}
