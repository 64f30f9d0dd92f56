import { Environment, loadTopology, Topology } from '@keys/topology';
import { ReadModelName, READ_MODELS } from './replay-target';

export { READ_MODELS, type ReadModelName };

export const REPLAY_USAGE =
  `usage: replay <${READ_MODELS.join('|')}|all>\n` +
  '  env: the key service\'s: none of DATABASE_URL, REDIS_URL, KAFKA_BROKERS (the embedded store under DATA_DIR, default ./data),\n' +
  '       or all three (distributed; REDIS_KEY_PREFIX as the service has it)';

export class ReplayUsageError extends Error {}

export interface ReplayConfig {
  readonly topology: Topology;
  readonly readModels: readonly ReadModelName[];
}

/**
 * What `replay` rebuilds and where, read as the key service reads its environment (loadTopology).
 * The embedded validation model lives in memory and is rebuilt at every start: `all` skips it there,
 * and naming it (or its PostgreSQL copy, which only the distributed topology has) is an error.
 */
export function loadReplayConfig(argv: readonly string[], env: Environment): ReplayConfig {
  const target = argv[0];
  if (target !== 'all' && !(READ_MODELS as readonly (string | undefined)[]).includes(target)) throw new ReplayUsageError(REPLAY_USAGE);
  const topology = loadTopology(env);
  if (topology.kind === 'distributed') return { topology, readModels: target === 'all' ? READ_MODELS : [target as ReadModelName] };
  if (target === 'all') return { topology, readModels: ['key-details', 'key-verifications'] };
  if (target === 'key-details' || target === 'key-verifications') return { topology, readModels: [target] };
  throw new Error(`${target} exists in the distributed topology only (DATABASE_URL, REDIS_URL and KAFKA_BROKERS); the embedded service rebuilds its validation model at every start`);
}
