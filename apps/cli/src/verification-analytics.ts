/**
 * The verification analytics answers as the issue-15 contract gives them. Declared here rather
 * than imported because the CLI must also talk to servers that predate the endpoint.
 */
export interface VerificationBucket {
  readonly start: string;
  readonly total: number;
  readonly counts: Readonly<Record<string, number>>;
}

export interface KeyVerifications {
  readonly keyId: string;
  readonly tenant: string;
  readonly granularity: string;
  readonly from: string;
  readonly to: string;
  readonly buckets: readonly VerificationBucket[];
}

export interface TopKeys {
  readonly byVolume: readonly { keyId: string; tenant: string; name: string; total: number }[];
  readonly byRejections: readonly { keyId: string; tenant: string; name: string; rejected: number }[];
}

export interface TenantVerifications extends Omit<KeyVerifications, 'keyId' | 'tenant'> {
  readonly tenant: string | null;
  readonly topKeys: TopKeys;
}

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
