import { loadReplayConfig, ReplayUsageError } from './replay.config';
import { runReplay } from './replay.runner';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const reports = await runReplay(loadReplayConfig(argv, env));
  for (const r of reports) console.log(`${r.readModel}: replayed ${r.events} events of ${r.keys} keys up to position ${r.position}`);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  if (error instanceof ReplayUsageError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(`replay failed: ${(error as Error).message}`);
  process.exit(1);
});
