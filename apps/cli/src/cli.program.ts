import { Command, CommanderError } from 'commander';
import { addAuditCommand } from './audit.command';
import { CliError } from './cli.error';
import { DEFAULT_URL } from './cli.context';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes';
import { addKeysCommand } from './keys.command';
import { addReplayCommand } from './replay.command';
import { addUsageCommand } from './usage.command';
import { addVaultCommand } from './vault.command';
import { addVerifyCommand } from './verify.command';

export function buildProgram(): Command {
  const program = new Command('key-service')
    .description('Manage the key service from a shell: keys, verification, audit, usage and read-model replay')
    // Set before the subcommands are added, which inherit them: commander exits nowhere by itself.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .option('--url <url>', `the key service's base URL (default: KEY_SERVICE_URL, else ${DEFAULT_URL})`)
    .option('--json', 'print the API answer as JSON, for scripts')
    .option('--api-key <key>', 'the management key; prefer KEY_SERVICE_API_KEY, which stays out of shell history and ps')
    .addHelpText('afterAll', EXIT_CODES_HELP);
  addKeysCommand(program);
  addVerifyCommand(program);
  addAuditCommand(program);
  addUsageCommand(program);
  addReplayCommand(program);
  addVaultCommand(program);
  return program;
}

/** Runs the CLI; resolves to the exit code instead of exiting, so stdout is flushed first. */
export async function runCli(argv: readonly string[], json = argv.includes('--json')): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return ExitCode.Ok;
  } catch (error) {
    // Commander already printed its message (or the help); only its code is left to decide.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    if (error instanceof CliError) {
      if (json && error.body !== undefined) process.stderr.write(`${JSON.stringify(error.body)}\n`);
      else if (error.message) process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`Unexpected error: ${(error as Error).message ?? String(error)}\n`);
    return ExitCode.Unexpected;
  }
}
