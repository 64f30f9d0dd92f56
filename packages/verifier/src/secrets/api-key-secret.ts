import { randomBytes } from 'node:crypto';
import { randomBase62, toBase62 } from './base62';
import { crc32, CRC32_START, crc32End, crc32Step } from './crc32';

/** 43 base62 characters carry 256 bits of CSPRNG output. */
export const RANDOM_LENGTH = 43;
export const CHECKSUM_LENGTH = 6;
export const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

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
 *
 * Every verify runs this, so it allocates nothing and reads each character once: the shape is
 * checked character by character (the same rule as SECRET_PATTERN) by a table of character
 * classes, while the CRC-32 is taken over the same characters (ASCII, one byte each, so equal to
 * crc32() of the text), and its base62 digits are compared from the end (the same text `checksum`
 * writes, which also checks that they are base62).
 */
export function hasValidChecksum(candidate: string): boolean {
  const length = candidate.length;
  // `<prefix of 1-16>_<43 random><6 checksum>`: the underscore is the 50th character from the end.
  const underscore = length - RANDOM_LENGTH - CHECKSUM_LENGTH - 1;
  if (underscore < 1 || underscore > 16 || candidate.charCodeAt(underscore) !== UNDERSCORE) return false;
  let crc = CRC32_START;
  for (let i = 0; i < underscore; i++) {
    const c = candidate.charCodeAt(i);
    // The prefix: a lower-case letter, then lower-case letters or digits.
    if (c >= 128 || (CLASSES[c] & (i === 0 ? LOWER : LOWER | DIGIT)) === 0) return false;
    crc = crc32Step(crc, c);
  }
  crc = crc32Step(crc, UNDERSCORE);
  const end = length - CHECKSUM_LENGTH;
  for (let i = underscore + 1; i < end; i++) {
    const c = candidate.charCodeAt(i);
    if (c >= 128 || CLASSES[c] === 0) return false;
    crc = crc32Step(crc, c);
  }
  let rest = crc32End(crc);
  for (let i = length - 1; i >= end; i--) {
    if (candidate.charCodeAt(i) !== BASE62_CODES[rest % 62]) return false;
    rest = Math.floor(rest / 62);
  }
  return true;
}

const UNDERSCORE = 0x5f;
const BASE62_CODES = Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', (c) => c.charCodeAt(0));
const LOWER = 1;
const DIGIT = 2;
const UPPER = 4;
/** Each ASCII code's classes (LOWER, DIGIT, UPPER; 0: none, so not base62). */
const CLASSES = (() => {
  const classes = new Uint8Array(128);
  for (let c = 0; c < 128; c++) classes[c] = (c >= 0x61 && c <= 0x7a ? LOWER : 0) | (c >= 0x30 && c <= 0x39 ? DIGIT : 0) | (c >= 0x41 && c <= 0x5a ? UPPER : 0);
  return classes;
})();
