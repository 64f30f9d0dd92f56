import { generateSecret, hasValidChecksum, RANDOM_LENGTH } from './api-key-secret';
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
});
