import { isImportedHash } from '@key-service/verifier';

/**
 * The hashes of imported keys, held in the verifier's process: a presented key that is not of this
 * service's shape is looked up only when its SHA-256 is in here, so guessing costs no read of the
 * validation model whatever its prefix. Derived from the events (through the validation model's
 * records). A hash that stays after its key was rotated costs a lookup of that one old key at most.
 */
export class ImportedHashIndex {
  private readonly hashes = new Set<string>();

  has(hash: string): boolean {
    return this.hashes.has(hash);
  }

  get size(): number {
    return this.hashes.size;
  }

  /** Keeps the imported ones among `hashes` (a key's records, say); ignores the rest. */
  note(hashes: Iterable<string>): void {
    for (const hash of hashes) if (isImportedHash(hash)) this.hashes.add(hash);
  }

  forget(hashes: Iterable<string>): void {
    for (const hash of hashes) this.hashes.delete(hash);
  }

  clear(): void {
    this.hashes.clear();
  }
}
