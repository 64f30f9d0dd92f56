/** Kept apart from the runner so the CLI can check a target without loading the database drivers. */
export const READ_MODELS = ['key-details', 'key-validation', 'key-validation-pg', 'key-verifications'] as const;
export type ReadModelName = (typeof READ_MODELS)[number];
export type ReplayTarget = ReadModelName | 'all';
export const REPLAY_TARGETS: readonly ReplayTarget[] = [...READ_MODELS, 'all'];

export function isReplayTarget(value: string): value is ReplayTarget {
  return (REPLAY_TARGETS as readonly string[]).includes(value);
}
