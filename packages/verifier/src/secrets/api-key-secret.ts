import { randomBytes } from 'node:crypto';
import { randomBase62, toBase62 } from './base62';
import { crc32 } from './crc32';

/** 43 base62 characters carry 256 bits of CSPRNG output. */
export const RANDOM_LENGTH = 43;
export const CHECKSUM_LENGTH = 6;
export const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;
const SECRET_PATTERN = /^([a-z][a-z0-9]{0,15})_([0-9A-Za-z]{49})$/;

export interface GeneratedSecret {
  /** The plaintext: only ever returned to the caller that created or rotated the key. */
  readonly plaintext: string;
  readonly prefix: string;
  /** Display hint: prefix and the last four characters. */
  readonly start: string;
}

function checksum(prefix: string, random: string): string {
  return toBase62(crc32(`${prefix}_${random}`), CHECKSUM_LENGTH);
}

/** `<prefix>_<43 random base62><6 base62 CRC-32>`, the shape GitHub's tokens made familiar. */
export function generateSecret(prefix: string): GeneratedSecret {
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`Invalid key prefix '${prefix}'`);
  const random = randomBase62(RANDOM_LENGTH, (size) => randomBytes(size));
  const plaintext = `${prefix}_${random}${checksum(prefix, random)}`;
  return { plaintext, prefix, start: displayHint(plaintext, prefix) };
}

export function displayHint(plaintext: string, prefix: string): string {
  return `${prefix}_…${plaintext.slice(-4)}`;
}

/**
 * True when the text has our key shape and its checksum matches: anything else cannot be a key we
 * issued, so it is rejected without a lookup.
 */
export function hasValidChecksum(candidate: string): boolean {
  const match = SECRET_PATTERN.exec(candidate);
  if (!match) return false;
  const [, prefix, body] = match;
  const random = body.slice(0, RANDOM_LENGTH);
  return body.slice(RANDOM_LENGTH) === checksum(prefix, random);
}
