import { Inject, Injectable, InternalServerErrorException, Logger, ServiceUnavailableException } from '@nestjs/common';
import { KeyEncryptionKeyRing, openSecret, rewrapSecret, SealedSecret, sealSecret, VaultCryptoError } from '@keys/secrets';
import { KEY_ENCRYPTION_KEYS } from '../../config/secrets.tokens';
import { KEY_VAULT_STORE } from './key-vault.tokens';
import { KeyVaultPgStore } from './key-vault.pg-store';

export const NO_KEY_ENCRYPTION_KEY =
  'Recoverable keys are not available: this service has no KEY_ENCRYPTION_KEY (required in the distributed topology)';

/** What a re-wrap did: how many sealed secrets it moved, and what each KEK wraps now. */
export interface RewrapResult {
  readonly currentKekId: string;
  readonly rewrapped: number;
  /** Entries wrapped by a KEK this service does not hold: left as they are, named by KEK id. */
  readonly unreadable: number;
  readonly byKek: Record<string, number>;
}

const REWRAP_PAGE = 200;

/**
 * Seals and opens recoverable keys' plaintexts with the configured KEKs, and re-wraps the vault
 * under the current one. Plaintexts pass through here in memory only; errors name a KEK id at most.
 */
@Injectable()
export class KeyVault {
  private readonly logger = new Logger(KeyVault.name);

  constructor(
    @Inject(KEY_VAULT_STORE) readonly store: KeyVaultPgStore,
    @Inject(KEY_ENCRYPTION_KEYS) private readonly keys: KeyEncryptionKeyRing | null,
  ) {}

  /** 503 when no KEK is configured: checked before anything is appended. */
  seal(plaintext: string, streamId: string): SealedSecret {
    return sealSecret(plaintext, this.ring().current, streamId);
  }

  open(sealed: SealedSecret, streamId: string): string {
    try {
      return openSecret(sealed, this.ring(), streamId);
    } catch (error) {
      if (!(error instanceof VaultCryptoError)) throw error;
      if (error.reason === 'unknown-kek')
        throw new ServiceUnavailableException(`${error.message}: set it in KEY_ENCRYPTION_KEY_PREVIOUS, or re-wrap the vault (docs/security.md)`);
      this.logger.error(`The sealed secret of key ${streamId} does not open: ${error.message}`);
      throw new InternalServerErrorException();
    }
  }

  /**
   * Re-wraps every data key not under the current KEK, a page at a time, each row only if no
   * revoke or rotation replaced it meanwhile. The ciphertexts are untouched: no plaintext is opened.
   */
  async rewrap(): Promise<RewrapResult> {
    const ring = this.ring();
    let rewrapped = 0;
    let unreadable = 0;
    let after = '';
    for (;;) {
      const page = await this.store.notWrappedBy(ring.current.id, after, REWRAP_PAGE);
      if (page.length === 0) break;
      for (const { streamId, sealed } of page) {
        after = streamId;
        let next: SealedSecret;
        try {
          next = rewrapSecret(sealed, ring, streamId);
        } catch (error) {
          if (!(error instanceof VaultCryptoError)) throw error;
          unreadable += 1;
          this.logger.warn(`Not re-wrapped, key ${streamId}: ${error.message}`);
          continue;
        }
        if (await this.store.replaceWrapping(streamId, sealed, next)) rewrapped += 1;
      }
    }
    return { currentKekId: ring.current.id, rewrapped, unreadable, byKek: await this.store.countByKek() };
  }

  private ring(): KeyEncryptionKeyRing {
    if (this.keys === null) throw new ServiceUnavailableException(NO_KEY_ENCRYPTION_KEY);
    return this.keys;
  }
}
