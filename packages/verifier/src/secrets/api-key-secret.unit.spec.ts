import { createHmac, randomBytes } from 'node:crypto';
import { generateSecret, hasValidChecksum, RANDOM_LENGTH } from './api-key-secret';
import { toBase62 } from './base62';
import { crc32 } from './crc32';
import { KeyHasher } from './key-hasher';

describe('API key secrets', () => {
  it('have the prefix, enough randomness and a checksum that recognises them offline', () => {
    const { plaintext, prefix, start } = generateSecret('sk');
    expect(prefix).toBe('sk');
    expect(plaintext).toMatch(new RegExp(`^sk_[0-9A-Za-z]{${RANDOM_LENGTH + 6}}$`));
    expect(start).toBe(`sk_…${plaintext.slice(-4)}`);
    expect(hasValidChecksum(plaintext)).toBe(true);
  });

  it('are never the same twice', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateSecret('sk').plaintext));
    expect(seen.size).toBe(1000);
  });

  it('fail the checksum after a one-character typo', () => {
    const { plaintext } = generateSecret('sk');
    const i = 10;
    const typo = plaintext.slice(0, i) + (plaintext[i] === 'a' ? 'b' : 'a') + plaintext.slice(i + 1);
    expect(hasValidChecksum(typo)).toBe(false);
    expect(hasValidChecksum('sk_short')).toBe(false);
    expect(hasValidChecksum('')).toBe(false);
  });

  it('are recognised exactly as the shape pattern and a CRC-32 over the bytes would recognise them', () => {
    // The reference: the rule hasValidChecksum restates without allocating.
    const reference = (text: string) => {
      const match = /^([a-z][a-z0-9]{0,15})_([0-9A-Za-z]{49})$/.exec(text);
      if (!match) return false;
      const random = match[2].slice(0, RANDOM_LENGTH);
      return match[2].slice(RANDOM_LENGTH) === toBase62(crc32(`${match[1]}_${random}`), 6);
    };
    const candidates: string[] = ['', '_', 'sk_', 'a'.repeat(70), `${'a'.repeat(17)}_${'A'.repeat(49)}`, `sk_${'é'.repeat(49)}`];
    for (const prefix of ['a', 'sk', 'k9', 'abcdefghijklmnop']) {
      for (let n = 0; n < 50; n++) {
        const { plaintext } = generateSecret(prefix);
        const i = n % plaintext.length;
        candidates.push(plaintext, plaintext.toUpperCase(), `${plaintext}x`, plaintext.slice(1), `x${plaintext}`, plaintext.slice(0, i) + '_' + plaintext.slice(i + 1));
        candidates.push(plaintext.slice(0, i) + String.fromCharCode(plaintext.charCodeAt(i) + 1) + plaintext.slice(i + 1));
      }
    }
    for (let n = 0; n < 200; n++) candidates.push(`sk_${randomBytes(37).toString('base64url').slice(0, 49)}`);
    for (const text of candidates) expect([text, hasValidChecksum(text)]).toEqual([text, reference(text)]);
    expect(candidates.filter(hasValidChecksum).length).toBeGreaterThanOrEqual(200);
  });

  it('keep CRC-32 (IEEE) as every issued key was checksummed with it', () => {
    // The standard check values: a table or arithmetic change that still agreed with itself
    // would otherwise pass the tests above and reject every key issued before it.
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
    expect(crc32('')).toBe(0);
  });

  it('reject a prefix that is not lowercase alphanumeric', () => {
    expect(() => generateSecret('Bad_Prefix')).toThrow("Invalid key prefix 'Bad_Prefix'");
  });

  it('are hashed under the pepper, so another pepper does not match', () => {
    const { plaintext } = generateSecret('sk');
    const hasher = new KeyHasher('pepper-one-0123456789');
    const other = new KeyHasher('pepper-two-0123456789');
    expect(hasher.matches(plaintext, hasher.hash(plaintext))).toBe(true);
    expect(other.matches(plaintext, hasher.hash(plaintext))).toBe(false);
    expect(hasher.hash(plaintext)).not.toContain(plaintext);
  });

  it('are hashed as HMAC-SHA-256 in base64url, for every pepper length and any text, one after another', () => {
    const texts = ['', generateSecret('sk').plaintext, generateSecret('abc').plaintext, 'é😀 imported key', 'x'.repeat(5000), 'y'.repeat(512), 'z'.repeat(513), '\u0000', 'lone \ud800 surrogate', 'ü'.repeat(512)];
    for (const pepper of ['sixteen-chars-00', 'p'.repeat(64), 'q'.repeat(65), 'ü'.repeat(40), randomBytes(200).toString('hex')]) {
      const hasher = new KeyHasher(pepper);
      // Twice through, longest text first the second time: nothing of one call may leak into the next.
      for (const text of [...texts, ...texts.reverse()]) {
        expect([text.slice(0, 20), hasher.hash(text)]).toEqual([text.slice(0, 20), createHmac('sha256', Buffer.from(pepper, 'utf8')).update(text, 'utf8').digest('base64url')]);
      }
    }
  });

});
