export const KEY_REVOKED = 'KeyRevoked';

/** Where a leaked key was found, as the report (GitHub's secret scanning or a company's scanner) said. */
export interface LeakReport {
  /** The page of the leak (e.g. the commit on GitHub); null when the report gave none. */
  readonly url: string | null;
  /** Where the reporter found it (GitHub: `content`, `commit`, `issue`, ...); null when it gave none. */
  readonly source: string | null;
}

export interface KeyRevokedData {
  readonly reason: string | null;
  /**
   * Present only on a revocation a leak report caused. Additive and optional, so schema version 1
   * still describes every KeyRevoked: an older event simply has none.
   */
  readonly leak?: LeakReport;
}

export interface KeyRevoked {
  readonly type: typeof KEY_REVOKED;
  readonly data: KeyRevokedData;
}
