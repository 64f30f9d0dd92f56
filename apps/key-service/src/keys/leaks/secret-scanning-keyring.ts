import { KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SecretScanningKeysUrl } from '../../config/app.config';
import { parseSecretScanningKeys, SecretScanningKeys } from './secret-scanning-keys';

/** What the keyring knows of an identifier. */
export type KeyLookup =
  | { readonly found: true; readonly key: KeyObject }
  /** No key of that identifier: not in the file, nor in the list as last fetched. */
  | { readonly found: false; readonly fetchFailed: false }
  /** Unknown, and the fetch that was to settle it failed (GitHub's endpoint down or slow). */
  | { readonly found: false; readonly fetchFailed: true };

/**
 * GitHub's secret-scanning public keys: those of SECRET_SCANNING_KEYS_FILE, and those fetched
 * from SECRET_SCANNING_KEYS_URL (global fetch, with a timeout), once at start and cached. An
 * identifier that neither names is the one reason to fetch again (GitHub rotated its keys): at
 * most one such fetch per `minRefreshMs` whatever arrives, so forged identifiers cannot make this
 * service hammer GitHub (the first one after start may fetch at once). Concurrent reports share
 * one fetch. A failed fetch keeps the cached keys in force.
 */
export class SecretScanningKeyring {
  private readonly logger = new Logger(SecretScanningKeyring.name);
  private fetched: SecretScanningKeys = new Map();
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<boolean> | null = null;

  constructor(
    private readonly fileKeys: SecretScanningKeys | null,
    private readonly source: SecretScanningKeysUrl | null,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get configured(): boolean {
    return this.fileKeys !== null || this.source !== null;
  }

  /** The first fetch, at start: a failure is logged, not fatal (reports then wait for a later fetch). */
  async start(): Promise<void> {
    if (this.source) await this.refresh(false);
  }

  async lookup(id: string): Promise<KeyLookup> {
    const known = this.known(id);
    if (known) return { found: true, key: known };
    if (this.source === null) return { found: false, fetchFailed: false };
    // An identifier the cached list lacks: fetch again, unless a fetch was tried too recently.
    if (this.inFlight === null && this.now() - this.lastAttemptAt < this.source.minRefreshMs) return { found: false, fetchFailed: false };
    const ok = await this.refresh(true);
    const key = this.known(id);
    if (key) return { found: true, key };
    return { found: false, fetchFailed: !ok };
  }

  private known(id: string): KeyObject | undefined {
    return this.fileKeys?.get(id) ?? this.fetched.get(id);
  }

  /** One fetch at a time; true when the list was fetched and parsed. `limited`: counts against minRefreshMs. */
  private refresh(limited: boolean): Promise<boolean> {
    if (limited && this.inFlight === null) this.lastAttemptAt = this.now();
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetchOnce(): Promise<boolean> {
    const source = this.source!;
    try {
      const response = await fetch(source.url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(source.timeoutMs) });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      this.fetched = parseSecretScanningKeys(await response.json(), 'the answer');
      return true;
    } catch (error) {
      this.logger.warn(`Could not fetch GitHub's secret-scanning keys from SECRET_SCANNING_KEYS_URL; the cached ones stay in force: ${(error as Error).message}`);
      return false;
    }
  }
}
