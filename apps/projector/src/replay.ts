import { isReplayTarget, READ_MODELS } from './replay-target';
import { runReplay } from './replay.runner';

function usage(): never {
  console.error(
    `usage: replay <${READ_MODELS.join('|')}|all>\n` +
      '  env: DATABASE_URL (else the embedded store under DATA_DIR, default ./data), REDIS_URL and REDIS_KEY_PREFIX for key-validation',
  );
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<void> {
  const target = argv[0] ?? usage();
  if (!isReplayTarget(target)) usage();
  const reports = await runReplay(target, process.env);
  for (const r of reports) console.log(`${r.readModel}: replayed ${r.events} events of ${r.keys} keys up to position ${r.position}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`replay failed: ${(error as Error).message}`);
  process.exit(1);
});
