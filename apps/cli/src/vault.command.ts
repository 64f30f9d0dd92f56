import { Command } from 'commander';
import type { RewrapVaultResponseDto } from '../../key-service/src/keys/vault/rewrap-vault.response.dto';
import { CliContext } from './cli.context';

/** The vault of recoverable keys: re-wrapping it under a new KEY_ENCRYPTION_KEY (docs/security.md). */
export function addVaultCommand(program: Command): void {
  const vault = program.command('vault').description("the vault of recoverable keys' sealed secrets");
  vault
    .command('rewrap')
    .description('re-wrap every data key under the service\'s current KEY_ENCRYPTION_KEY (root key only; see docs/security.md)')
    .action(async (_options: unknown, command: Command) => {
      const context = CliContext.of(command);
      const { body } = await context.client.call<RewrapVaultResponseDto>('POST', '/v1/vault/rewrap');
      context.print(body, () =>
        [
          `current KEK  ${body.currentKekId}`,
          `rewrapped    ${body.rewrapped}`,
          `unreadable   ${body.unreadable}`,
          ...Object.entries(body.byKek).map(([kek, n]) => `under ${kek}  ${n}`),
        ].join('\n'),
      );
    });
}
