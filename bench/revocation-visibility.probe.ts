import { performance } from 'node:perf_hooks';
import { KeepAliveClient } from './keep-alive.client';

export interface VisibilityOptions {
  /** Where the concurrent verifiers send their verifies (its cache warm). */
  readonly verifyUrl: string;
  /** Where the revokes are sent: another instance, so the cross-instance path is what is measured. */
  readonly manageUrl: string;
  readonly rootKey: string;
  readonly trials: number;
  readonly verifiers: number;
  /** Trials run first and not counted, so that neither side is timed while its code is still cold. */
  readonly warmupTrials?: number;
}

export interface VisibilityResult {
  readonly trials: number;
  /** From the revoke request being sent to the first REVOKED answer a concurrent verifier got, ms. */
  readonly visibleAfterMs: number[];
  /** How long the revoke call itself took, ms. */
  readonly revokeCallMs: number[];
  /** VALID answers to verifies sent after the revoke had returned: must be 0. */
  readonly validAfterRevoke: number;
  readonly verifies: number;
}

type Answer = { status: number; body: { id?: string; key?: string; code?: string } };

/**
 * Verifiers hammer one instance with a key while another instance revokes it; each trial records
 * when the first REVOKED came back, and whether any verify sent after the revoke returned still
 * got VALID (which would be a wrong answer, not a slow one).
 */
export async function measureRevocationVisibility(options: VisibilityOptions): Promise<VisibilityResult> {
  const client = new KeepAliveClient();
  try {
    const call = (url: string, body: unknown, rootKey?: string) => client.post<Answer['body']>(url, body, rootKey ? { 'x-api-key': rootKey } : {});
    if (options.warmupTrials) await measure({ ...options, trials: options.warmupTrials }, call);
    return await measure(options, call);
  } finally {
    client.close();
  }
}

async function measure(options: VisibilityOptions, call: (url: string, body: unknown, rootKey?: string) => Promise<Answer>): Promise<VisibilityResult> {
  const visibleAfterMs: number[] = [];
  const revokeCallMs: number[] = [];
  let validAfterRevoke = 0;
  let verifies = 0;
  for (let trial = 0; trial < options.trials; trial++) {
    const created = await call(`${options.manageUrl}/v1/keys`, { name: `visibility ${trial}` }, options.rootKey);
    if (created.status !== 201 || !created.body.key || !created.body.id) throw new Error(`create answered ${created.status}`);
    const key = created.body.key;
    for (let i = 0; i < 3; i++) if ((await call(`${options.verifyUrl}/v1/keys/verify`, { key })).body.code !== 'VALID') throw new Error('a new key did not verify');

    let revokeSentAt = Number.POSITIVE_INFINITY;
    let revokeReturnedAt = Number.POSITIVE_INFINITY;
    let firstRevokedAt = Number.POSITIVE_INFINITY;
    const verifier = async () => {
      for (;;) {
        const sentAt = performance.now();
        const answer = await call(`${options.verifyUrl}/v1/keys/verify`, { key });
        const receivedAt = performance.now();
        verifies++;
        if (answer.body.code === 'VALID' && sentAt > revokeReturnedAt) validAfterRevoke++;
        if (answer.body.code === 'REVOKED') {
          firstRevokedAt = Math.min(firstRevokedAt, receivedAt);
          if (receivedAt > revokeReturnedAt) return;
        }
        if (receivedAt - revokeReturnedAt > 1000) throw new Error('the revoke never became visible');
      }
    };
    const running = Array.from({ length: options.verifiers }, verifier);
    await new Promise((r) => setTimeout(r, 20));
    revokeSentAt = performance.now();
    const revoked = await call(`${options.manageUrl}/v1/keys/${created.body.id}/revoke`, {}, options.rootKey);
    revokeReturnedAt = performance.now();
    if (revoked.status !== 200) throw new Error(`revoke answered ${revoked.status}`);
    await Promise.all(running);
    visibleAfterMs.push(firstRevokedAt - revokeSentAt);
    revokeCallMs.push(revokeReturnedAt - revokeSentAt);
  }
  return { trials: options.trials, visibleAfterMs, revokeCallMs, validAfterRevoke, verifies };
}
