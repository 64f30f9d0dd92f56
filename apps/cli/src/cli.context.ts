import { Command } from 'commander';
import { ApiClient } from './api.client';
import { CliError } from './cli.error';
import { ExitCode } from './exit-codes';

export const DEFAULT_URL = 'http://localhost:3000';

interface GlobalOptions {
  readonly url?: string;
  readonly json?: boolean;
  readonly apiKey?: string;
}

/** What every command needs from the global options and the environment. */
export class CliContext {
  private constructor(
    readonly client: ApiClient,
    readonly json: boolean,
  ) {}

  static of(command: Command): CliContext {
    const options = command.optsWithGlobals<GlobalOptions>();
    const raw = options.url ?? process.env.KEY_SERVICE_URL ?? DEFAULT_URL;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new CliError(ExitCode.Usage, `--url '${raw}' is not a URL, e.g. http://localhost:3000`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(ExitCode.Usage, `--url '${raw}' must be http:// or https://`);
    return new CliContext(new ApiClient(url, options.apiKey ?? process.env.KEY_SERVICE_API_KEY), options.json === true);
  }

  /** --json prints the API's answer as it came; otherwise the table made for people. */
  print(value: unknown, table: () => string): void {
    process.stdout.write(`${this.json ? JSON.stringify(value, null, 2) : table()}\n`);
  }
}
