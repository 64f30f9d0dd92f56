import { ExitCode } from './exit-codes';

/**
 * A failure the CLI reports with a chosen exit code. `message` goes to stderr as given; none is
 * printed when the command already said everything (verify of an invalid key).
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message = '',
    /** In --json mode, printed to stderr as JSON instead of the message: the API's own error body. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
