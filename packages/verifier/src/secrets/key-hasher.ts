import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Keyed hash of a secret (HMAC-SHA-256 under the server's pepper). A leaked database or event stream
 * then gives an attacker nothing to test guesses against without the pepper as well.
 */
export class KeyHasher {
  private readonly pepper: Buffer;

  constructor(pepper: string) {
    if (pepper.length < 16) throw new Error('The key pepper must be at least 16 characters long');
    this.pepper = Buffer.from(pepper, 'utf8');
  }

  hash(plaintext: string): string {
    return createHmac('sha256', this.pepper).update(plaintext, 'utf8').digest('base64url');
  }

  matches(plaintext: string, expectedHash: string): boolean {
    const actual = Buffer.from(this.hash(plaintext));
    const expected = Buffer.from(expectedHash);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
