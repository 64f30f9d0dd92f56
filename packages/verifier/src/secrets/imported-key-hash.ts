import { createHash } from 'node:crypto';

/** How a migrating team hands over its keys' hashes: SHA-256 of the full key, in base64 (Unkey's default) or hex. */
export type ImportedHashEncoding = 'sha256-base64' | 'sha256-hex';
export const IMPORTED_HASH_ENCODINGS: readonly ImportedHashEncoding[] = ['sha256-base64', 'sha256-hex'];

/** Marks a hash as the plain SHA-256 of an imported key, so it never meets an HMAC of ours in one lookup space. */
export const IMPORTED_HASH_PREFIX = 'sha256:';

const BASE64 = /^(?:[A-Za-z0-9+/]{43}=?|[A-Za-z0-9_-]{43})$/;
const HEX = /^[0-9a-fA-F]{64}$/;

/** The lookup hash of a presented key, as imported keys are stored: `sha256:` + base64url of its SHA-256. */
export function importedKeyHash(plaintext: string): string {
  return IMPORTED_HASH_PREFIX + createHash('sha256').update(plaintext, 'utf8').digest('base64url');
}

/**
 * An imported SHA-256 in the stored form, whichever encoding it came in (base64 with or without
 * padding, base64url, or hex of either case); null when it is not a 32-byte digest in that encoding.
 */
export function importedHashOf(hash: string, encoding: ImportedHashEncoding): string | null {
  if (encoding === 'sha256-hex') return HEX.test(hash) ? IMPORTED_HASH_PREFIX + Buffer.from(hash, 'hex').toString('base64url') : null;
  if (!BASE64.test(hash)) return null;
  const digest = Buffer.from(hash.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return digest.length === 32 ? IMPORTED_HASH_PREFIX + digest.toString('base64url') : null;
}

export function isImportedHash(hash: string): boolean {
  return hash.startsWith(IMPORTED_HASH_PREFIX);
}
