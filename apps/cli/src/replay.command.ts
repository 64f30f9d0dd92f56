import { Argument, Command } from 'commander';
import { REPLAY_TARGETS, ReplayTarget } from '../../projector/src/replay-target';
import { CliContext } from './cli.context';
import { CliError } from './cli.error';
import { ExitCode } from './exit-codes';
import { formatTable } from './table.formatter';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);

export function addReplayCommand(program: Command): void {
  program
    .command('replay')
    .summary('rebuild read models from the event store (service or projector stopped)')
    .description(
      'rebuild read models from position 0 of the event store, talking to the database, not the service. ' +
        'Stop the projector (distributed) or the service (embedded) first: a live writer would race the reset',
    )
    .addArgument(new Argument('[read-model]', 'which read model').choices(REPLAY_TARGETS).default('all'))
    .option('--data-dir <dir>', 'the embedded store to replay (default: DATA_DIR, else ./data)')
    .addHelpText(
      'after',
      '\nReads the topology as the service does: none of DATABASE_URL, REDIS_URL, KAFKA_BROKERS for the embedded store,\n' +
        'all three (and REDIS_KEY_PREFIX as the service has it) for the distributed one.',
    )
    .action(async (target: ReplayTarget, o: { dataDir?: string }, command: Command) => {
      const context = CliContext.of(command);
      // Loaded only here: the database and Kafka drivers would slow every other command's start.
      const { loadReplayConfig } = await import('../../projector/src/replay.config');
      const { runReplay } = await import('../../projector/src/replay.runner');
      let config;
      try {
        config = loadReplayConfig([target], { ...process.env, DATA_DIR: o.dataDir ?? process.env.DATA_DIR });
      } catch (error) {
        // A partial topology, or a model the embedded one does not have: the invocation is wrong.
        throw new CliError(ExitCode.Usage, (error as Error).message);
      }
      let reports;
      try {
        reports = await runReplay(config);
      } catch (error) {
        const code = (error as { code?: string }).code;
        const exitCode = code !== undefined && UNREACHABLE.has(code) ? ExitCode.Unavailable : ExitCode.Unexpected;
        throw new CliError(exitCode, `replay failed: ${(error as Error).message}`);
      }
      context.print(reports, () =>
        formatTable(
          ['READ MODEL', 'EVENTS', 'KEYS', 'POSITION'],
          reports.map((r) => [r.readModel, String(r.events), String(r.keys), String(r.position)]),
        ),
      );
    });
}
