import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyEncryptionKey, KeyEncryptionKeyRing } from './key-encryption-key';
import { SealedSecret } from './sealed-secret';
import { VaultCryptoError } from './vault-crypto.error';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/**
 * Envelope encryption of recoverable keys (node:crypto only). `context` is the key's stream id: it
 * is the additional authenticated data of both layers, so a sealed secret copied onto another
 * key's row does not open, and the wrapped data key is bound to its KEK id as well.
 */
export function sealSecret(plaintext: string, kek: KeyEncryptionKey, context: string): SealedSecret {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    return {
      kekId: kek.id,
      wrappedKey: encrypt(kek.material, dataKey, wrapAad(context, kek.id)),
      ciphertext: encrypt(dataKey, Buffer.from(plaintext, 'utf8'), Buffer.from(context, 'utf8')),
    };
  } finally {
    dataKey.fill(0);
  }
}

/** The plaintext; throws VaultCryptoError when the KEK is not in `keys` or anything was altered. */
export function openSecret(sealed: SealedSecret, keys: KeyEncryptionKeyRing, context: string): string {
  const dataKey = unwrap(sealed, keys, context);
  try {
    return decrypt(dataKey, sealed.ciphertext, Buffer.from(context, 'utf8'), 'The sealed secret').toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

/**
 * The same secret with its data key wrapped by `keys.current`; the ciphertext is untouched (the
 * data key does not change), so re-wrapping never handles a plaintext. A secret already under the
 * current KEK is returned as it is.
 */
export function rewrapSecret(sealed: SealedSecret, keys: KeyEncryptionKeyRing, context: string): SealedSecret {
  if (sealed.kekId === keys.current.id) return sealed;
  const dataKey = unwrap(sealed, keys, context);
  try {
    return { kekId: keys.current.id, wrappedKey: encrypt(keys.current.material, dataKey, wrapAad(context, keys.current.id)), ciphertext: sealed.ciphertext };
  } finally {
    dataKey.fill(0);
  }
}

function unwrap(sealed: SealedSecret, keys: KeyEncryptionKeyRing, context: string): Buffer {
  const kek = keys.get(sealed.kekId);
  if (kek === undefined)
    throw new VaultCryptoError('unknown-kek', `The data key is wrapped by key-encryption key ${sealed.kekId}, which is not configured`);
  const dataKey = decrypt(kek.material, sealed.wrappedKey, wrapAad(context, sealed.kekId), 'The wrapped data key');
  if (dataKey.length !== DATA_KEY_BYTES) throw new VaultCryptoError('tampered', 'The wrapped data key has the wrong length');
  return dataKey;
}

function wrapAad(context: string, kekId: string): Buffer {
  return Buffer.from(`${context}\u0000${kekId}`, 'utf8');
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: Buffer, what: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new VaultCryptoError('tampered', `${what} is truncated`);
  const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    // GCM's tag check: altered bytes, another key's row, or the wrong KEK under a reused id.
    throw new VaultCryptoError('tampered', `${what} does not authenticate: it was altered or belongs to another key`);
  }
}
