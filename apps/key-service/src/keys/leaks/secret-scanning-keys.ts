import { readFileSync } from 'node:fs';
import { createPublicKey, KeyObject } from 'node:crypto';

/**
 * GitHub's secret-scanning public keys by identifier, as `GET /meta/public_keys/secret_scanning`
 * lists them (`{public_keys: [{key_identifier, key, is_current}]}`). Every listed key verifies,
 * current or not: GitHub signs with an older key for a while after it rotates.
 */
export type SecretScanningKeys = ReadonlyMap<string, KeyObject>;

/** Reads and checks the file; throws an Error whose message says what is wrong with it. */
export function loadSecretScanningKeys(path: string): SecretScanningKeys {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  return parseSecretScanningKeys(document, path);
}

/**
 * The keys of a `{public_keys: [...]}` document (the file's, or the answer of
 * SECRET_SCANNING_KEYS_URL); throws an Error naming `source` and what is wrong.
 */
export function parseSecretScanningKeys(document: unknown, source: string): SecretScanningKeys {
  const path = source;
  const list = typeof document === 'object' && document !== null ? (document as { public_keys?: unknown }).public_keys : undefined;
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(`${path} must be {"public_keys": [{"key_identifier", "key", "is_current"}, ...]} with at least one key`);
  const keys = new Map<string, KeyObject>();
  list.forEach((entry: unknown, index) => {
    const { key_identifier: id, key } = (typeof entry === 'object' && entry !== null ? entry : {}) as { key_identifier?: unknown; key?: unknown };
    if (typeof id !== 'string' || id === '' || typeof key !== 'string')
      throw new Error(`${path}: public_keys[${index}] needs a key_identifier and a PEM key`);
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(key);
    } catch {
      throw new Error(`${path}: public_keys[${index}].key is not a PEM public key`);
    }
    if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
      throw new Error(`${path}: public_keys[${index}].key is not an ECDSA P-256 key`);
    keys.set(id, publicKey);
  });
  return keys;
}
