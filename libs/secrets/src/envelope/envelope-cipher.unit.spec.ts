import { randomBytes } from 'node:crypto';
import { openSecret, rewrapSecret, sealSecret } from './envelope-cipher';
import { KeyEncryptionKey, KeyEncryptionKeyRing } from './key-encryption-key';
import { SealedSecret } from './sealed-secret';
import { VaultCryptoError } from './vault-crypto.error';

const PLAINTEXT = 'sk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM';
const CONTEXT = 'acme/key-1';

function flip(buffer: Buffer, at: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[at] ^= 0x01;
  return copy;
}

describe('envelope encryption of recoverable keys', () => {
  const kek = KeyEncryptionKey.of(randomBytes(32));
  const ring = new KeyEncryptionKeyRing(kek);

  it('opens what it sealed, and the sealed form holds no plaintext', () => {
    const sealed = sealSecret(PLAINTEXT, kek, CONTEXT);
    expect(sealed.kekId).toBe(kek.id);
    expect(sealed.ciphertext.toString('latin1')).not.toContain(PLAINTEXT.slice(3, 20));
    expect(openSecret(sealed, ring, CONTEXT)).toBe(PLAINTEXT);
  });

  it('uses a fresh data key and IV every time', () => {
    const a = sealSecret(PLAINTEXT, kek, CONTEXT);
    const b = sealSecret(PLAINTEXT, kek, CONTEXT);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
  });

  it.each([
    ['a ciphertext byte', (s: SealedSecret) => ({ ...s, ciphertext: flip(s.ciphertext, s.ciphertext.length - 1) })],
    ['the ciphertext tag', (s: SealedSecret) => ({ ...s, ciphertext: flip(s.ciphertext, 14) })],
    ['the ciphertext IV', (s: SealedSecret) => ({ ...s, ciphertext: flip(s.ciphertext, 0) })],
    ['a wrapped-key byte', (s: SealedSecret) => ({ ...s, wrappedKey: flip(s.wrappedKey, s.wrappedKey.length - 1) })],
    ['a truncated ciphertext', (s: SealedSecret) => ({ ...s, ciphertext: s.ciphertext.subarray(0, 20) })],
  ])('refuses a sealed secret with %s altered', (_what, tamper) => {
    const sealed = tamper(sealSecret(PLAINTEXT, kek, CONTEXT));
    expect(() => openSecret(sealed, ring, CONTEXT)).toThrow(VaultCryptoError);
    expect(() => openSecret(sealed, ring, CONTEXT)).toThrow(/altered|truncated/);
  });

  it("refuses another key's sealed secret (the stream id is authenticated)", () => {
    const sealed = sealSecret(PLAINTEXT, kek, CONTEXT);
    expect(() => openSecret(sealed, ring, 'acme/key-2')).toThrow(/altered or belongs to another key/);
  });

  it('refuses a secret wrapped by a KEK it does not hold, naming only its id', () => {
    const other = KeyEncryptionKey.of(randomBytes(32));
    const sealed = sealSecret(PLAINTEXT, other, CONTEXT);
    let error: unknown;
    try {
      openSecret(sealed, ring, CONTEXT);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VaultCryptoError);
    expect((error as VaultCryptoError).reason).toBe('unknown-kek');
    expect((error as Error).message).toContain(other.id);
    expect((error as Error).message).not.toContain(other.material.toString('hex'));
  });

  it('refuses a KEK swapped in under the right id', () => {
    const sealed = sealSecret(PLAINTEXT, kek, CONTEXT);
    expect(() => openSecret({ ...sealed, kekId: 'forged' }, new KeyEncryptionKeyRing(kek), CONTEXT)).toThrow(/not configured/);
  });

  it('re-wraps under a new KEK: the new one opens it, the old one no longer does, the ciphertext is unchanged', () => {
    const next = KeyEncryptionKey.of(randomBytes(32));
    const sealed = sealSecret(PLAINTEXT, kek, CONTEXT);
    const rewrapped = rewrapSecret(sealed, new KeyEncryptionKeyRing(next, [kek]), CONTEXT);
    expect(rewrapped.kekId).toBe(next.id);
    expect(rewrapped.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(openSecret(rewrapped, new KeyEncryptionKeyRing(next), CONTEXT)).toBe(PLAINTEXT);
    expect(() => openSecret(rewrapped, new KeyEncryptionKeyRing(kek), CONTEXT)).toThrow(VaultCryptoError);
    // Under the old id the old KEK cannot unwrap the new wrapping either.
    expect(() => openSecret({ ...rewrapped, kekId: kek.id }, new KeyEncryptionKeyRing(kek), CONTEXT)).toThrow(/altered/);
    expect(rewrapSecret(rewrapped, new KeyEncryptionKeyRing(next, [kek]), CONTEXT)).toBe(rewrapped);
  });
});

describe('KEY_ENCRYPTION_KEY parsing', () => {
  const bytes = randomBytes(32);

  it('takes 32 bytes as hex, base64 or base64url, with the same id for each', () => {
    const ids = [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')].map((t) => KeyEncryptionKey.parse(t).id);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each(['', 'short', randomBytes(16).toString('hex'), randomBytes(33).toString('base64'), 'z'.repeat(64)])('refuses %p', (text) => {
    expect(() => KeyEncryptionKey.parse(text)).toThrow(/32 bytes/);
  });

  it('never shows its material when printed', () => {
    const kek = KeyEncryptionKey.parse(bytes.toString('hex'));
    expect(JSON.stringify({ kek })).not.toContain(bytes.toString('hex'));
    expect(`${kek}`).toBe(`KeyEncryptionKey(${kek.id})`);
  });
});
