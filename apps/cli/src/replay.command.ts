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
    .option('--data-dir <dir>', 'the embedded store to replay (default: DATA_DIR, else ./data); ignored when DATABASE_URL is set')
    .addHelpText('after', '\nReads DATABASE_URL (distributed store), else the embedded store; REDIS_URL and REDIS_KEY_PREFIX for key-validation.')
    .action(async (target: ReplayTarget, o: { dataDir?: string }, command: Command) => {
      const context = CliContext.of(command);
      // Loaded only here: the database drivers would slow every other command's start.
      const { runReplay } = await import('../../projector/src/replay.runner');
      let reports;
      try {
        reports = await runReplay(target, { ...process.env, DATA_DIR: o.dataDir ?? process.env.DATA_DIR });
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
