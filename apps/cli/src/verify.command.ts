import { Command } from 'commander';
import type { VerifyKeyResponseDto } from '../../key-service/src/keys/verifying/verify-key.response.dto';
import { CliContext } from './cli.context';
import { CliError } from './cli.error';
import { ExitCode } from './exit-codes';
import { collect } from './option.parsers';
import { formatFields, show } from './table.formatter';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function addVerifyCommand(program: Command): void {
  program
    .command('verify')
    .summary('is this key valid? (exit 0 yes, 8 no)')
    .description('ask the service whether a key is valid; exits 0 when it is, 8 when it is not')
    .argument('[key]', "the key to verify; omit it or give '-' to read it from stdin, which keeps it out of shell history")
    .option('--role <role>', 'a role the key must have; repeat or comma-separate for several', collect)
    .action(async (given: string | undefined, o: { role?: string[] }, command: Command) => {
      const context = CliContext.of(command);
      const key = given === undefined || given === '-' ? await readStdin() : given;
      if (key === '') throw new CliError(ExitCode.Usage, 'No key to verify: pass it as an argument or on stdin');
      const { body } = await context.client.call<VerifyKeyResponseDto>('POST', '/v1/keys/verify', {
        anonymous: true,
        body: o.role ? { key, roles: o.role } : { key },
      });
      context.print(body, () =>
        formatFields([
          ['valid', body.valid ? 'yes' : 'no'],
          ['code', body.code],
          ...(body.keyId === undefined
            ? []
            : ([
                ['key id', body.keyId],
                ['tenant', show(body.tenant)],
                ['name', show(body.name)],
                ['roles', show(body.roles)],
                ['expires', show(body.expiresAt)],
              ] as const)),
          ...(body.ratelimit ? ([['rate limit', `${body.ratelimit.remaining} of ${body.ratelimit.limit} left until ${new Date(body.ratelimit.reset).toISOString()}`]] as const) : []),
          ...(body.remaining !== undefined ? ([['quota left', String(body.remaining)]] as const) : []),
        ]),
      );
      // The answer is printed; the exit code carries it to `if key-service verify ...`.
      if (!body.valid) throw new CliError(ExitCode.KeyNotValid);
    });
}
