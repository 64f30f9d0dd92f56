import { Command, Option } from 'commander';
import type { CreatedKeyDto } from '../../key-service/src/keys/key-record.dto';
import type { RotatedKeyDto } from '../../key-service/src/keys/rotating/rotate-key.http.controller';
import { CliContext } from './cli.context';
import { keyFields, KeyListDto, KeyRecordDto, keyTable } from './key.view';
import { annotation, collect, durationSeconds, entityTag, integer, rateLimit } from './option.parsers';
import { readPages } from './page.reader';

const STATUSES = ['ACTIVE', 'EXPIRED', 'REVOKED', 'DISABLED'];
const CLEARABLE = ['description', 'owner', 'environment', 'expiresAt', 'rateLimit', 'quota'];
const TENANT_HELP = "the key's tenant (root key: needed when several tenants use the id)";

interface KeyFieldOptions {
  name?: string;
  description?: string;
  role?: string[];
  owner?: string;
  environment?: string;
  expiresAt?: string;
  annotation?: Record<string, string>;
  rateLimit?: { limit: number; durationMs: number };
  quota?: number;
  quotaRefill?: 'daily' | 'monthly';
  quotaRefillAmount?: number;
}

function withKeyFieldOptions(command: Command): Command {
  return command
    .option('--description <text>', 'what the key is for')
    .option('--role <role>', 'a role the key grants; repeat or comma-separate for several', collect)
    .option('--owner <owner>', 'who the key belongs to (user, team, service)')
    .option('--environment <env>', 'e.g. production')
    .option('--expires-at <date-time>', 'RFC 3339 expiry, e.g. 2030-01-01T00:00:00Z')
    .option('--annotation <name=value>', 'a free-form annotation; repeat for several', annotation)
    .option('--rate-limit <limit/window>', 'verifications admitted per window, e.g. 100/1m', rateLimit)
    .option('--quota <remaining>', 'verifications left before USAGE_EXCEEDED', integer)
    .addOption(new Option('--quota-refill <period>', 'refill the quota each period').choices(['daily', 'monthly']))
    .option('--quota-refill-amount <n>', 'what the quota is reset to at each refill', integer);
}

/** The flags given, as the API's field names; absent flags are left out so PATCH changes only them. */
function keyFieldsBody(o: KeyFieldOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: o.name,
    description: o.description,
    roles: o.role,
    owner: o.owner,
    environment: o.environment,
    expiresAt: o.expiresAt,
    annotations: o.annotation,
    rateLimit: o.rateLimit,
  };
  if (o.quota !== undefined || o.quotaRefill !== undefined || o.quotaRefillAmount !== undefined)
    body.quota = { remaining: o.quota, refill: o.quotaRefill, refillAmount: o.quotaRefillAmount };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

const keyPath = (id: string, suffix = ''): string => `/v1/keys/${encodeURIComponent(id)}${suffix}`;

/** Prints a freshly issued secret once, with the warning people need and scripts do not. */
function printSecret(context: CliContext, answer: CreatedKeyDto, extra: readonly string[] = []): void {
  context.print(answer, () => [keyFields(answer), ...extra, '', `key  ${answer.key}`].join('\n'));
  if (!context.json) process.stderr.write('This key will not be shown again: store it now.\n');
}

/** Added through the program's own .command() so every subcommand inherits its exit and output settings. */
export function addKeysCommand(program: Command): void {
  const keys = program.command('keys').description('create, read and change API keys');

  withKeyFieldOptions(
    keys
      .command('create')
      .description('create a key and print its plaintext, the only time it is shown')
      .requiredOption('--name <name>', 'a name people recognise')
      .option('--id <id>', 'choose the id (unique in the tenant); a UUID otherwise')
      .option('--tenant <tenant>', 'root key only: the tenant to create it in')
      .option('--prefix <prefix>', 'key prefix, 1-16 lowercase letters or digits (default sk)')
      .option('--recoverable', 'keep the plaintext sealed so a revealer can be shown it again (keys reveal)'),
  ).action(async (options: KeyFieldOptions & { id?: string; tenant?: string; prefix?: string; recoverable?: boolean }, command: Command) => {
    const context = CliContext.of(command);
    const body = { ...keyFieldsBody(options), id: options.id, tenant: options.tenant, prefix: options.prefix, recoverable: options.recoverable };
    const { body: created } = await context.client.call<CreatedKeyDto>('POST', '/v1/keys', { body });
    printSecret(context, created);
  });

  keys
    .command('list')
    .description("list keys, newest first (a tenant-bound key sees its own tenant's)")
    .addOption(new Option('--status <status>', 'only keys in this status').choices(STATUSES))
    .option('--role <role>', 'only keys with this role')
    .option('--owner <owner>', 'only keys of this owner')
    .option('--environment <env>', 'only keys of this environment')
    .option('--tenant <tenant>', 'root key only: only this tenant')
    .option('--limit <n>', 'keys per page (1-200, default 50)')
    .option('--cursor <cursor>', 'continue from the nextCursor of an earlier page')
    .option('--all', 'follow every page to the end')
    .action(async (o: { status?: string; role?: string; owner?: string; environment?: string; tenant?: string; limit?: string; cursor?: string; all?: boolean }, command: Command) => {
      const context = CliContext.of(command);
      const page = await readPages(
        async (cursor) =>
          (
            await context.client.call<KeyListDto>('GET', '/v1/keys', {
              query: { status: o.status, role: o.role, owner: o.owner, environment: o.environment, tenant: o.tenant, limit: o.limit, cursor },
            })
          ).body,
        o.cursor,
        o.all === true,
      );
      context.print(page, () => keyTable(page.items) + (page.nextCursor ? `\n\nMore: --cursor ${page.nextCursor} (or --all)` : ''));
    });

  keys
    .command('get')
    .description('show one key (never its secret)')
    .argument('<id>', 'the key id')
    .option('--tenant <tenant>', TENANT_HELP)
    .option('--at <date-time>', 'the key as it was at this RFC 3339 instant')
    .action(async (id: string, o: { tenant?: string; at?: string }, command: Command) => {
      const context = CliContext.of(command);
      const { body } = await context.client.call<KeyRecordDto>('GET', keyPath(id), { query: { tenant: o.tenant, at: o.at } });
      context.print(body, () => keyFields(body));
    });

  withKeyFieldOptions(
    keys
      .command('update')
      .description('change the fields given; the others stay as they are')
      .argument('<id>', 'the key id')
      .option('--tenant <tenant>', TENANT_HELP)
      .option('--name <name>', 'a new name')
      .option('--clear <field>', `set a field to null: ${CLEARABLE.join(', ')}; repeatable`, collect)
      .option('--if-match <version>', 'only if the key is still at this version (its ETag), else exit 5', entityTag),
  ).action(async (id: string, o: KeyFieldOptions & { tenant?: string; clear?: string[]; ifMatch?: string }, command: Command) => {
    const context = CliContext.of(command);
    const body: Record<string, unknown> = keyFieldsBody(o);
    // A field the service does not know is passed on, so its 400 names it exactly.
    for (const field of o.clear ?? []) body[field] = null;
    const { body: updated } = await context.client.call<KeyRecordDto>('PATCH', keyPath(id), {
      query: { tenant: o.tenant },
      body,
      headers: o.ifMatch ? { 'if-match': o.ifMatch } : {},
    });
    context.print(updated, () => keyFields(updated));
  });

  keys
    .command('rotate')
    .description('issue a new secret for the key; the old one verifies for the grace period')
    .argument('<id>', 'the key id')
    .option('--tenant <tenant>', TENANT_HELP)
    .option('--grace <duration>', 'how long the old secret keeps verifying: seconds, or 15m, 1h, 24h (default 0: ends at once)', durationSeconds, 0)
    .option('--recoverable', 'keep the new plaintext sealed, revealable; without it the key stops being recoverable')
    .action(async (id: string, o: { tenant?: string; grace: number; recoverable?: boolean }, command: Command) => {
      const context = CliContext.of(command);
      const { body } = await context.client.call<RotatedKeyDto>('POST', keyPath(id, '/rotate'), {
        query: { tenant: o.tenant },
        body: { gracePeriodSeconds: o.grace, recoverable: o.recoverable },
      });
      printSecret(context, body, [`previous secret valid until  ${body.previousKeyValidUntil ?? 'no longer valid'}`]);
    });

  keys
    .command('reveal')
    .description("print a recoverable key's plaintext again (root or role revealer); the reveal is recorded in the key's history")
    .argument('<id>', 'the key id')
    .option('--tenant <tenant>', TENANT_HELP)
    .action(async (id: string, o: { tenant?: string }, command: Command) => {
      const context = CliContext.of(command);
      const { body } = await context.client.call<CreatedKeyDto>('POST', keyPath(id, '/reveal'), { query: { tenant: o.tenant } });
      context.print(body, () => [keyFields(body), '', `key  ${body.key}`].join('\n'));
    });

  for (const [name, description] of [
    ['disable', 'suspend the key until it is enabled again'],
    ['enable', 'let a disabled key verify again'],
    ['revoke', 'end the key for good'],
  ] as const)
    keys
      .command(name)
      .description(description)
      .argument('<id>', 'the key id')
      .option('--tenant <tenant>', TENANT_HELP)
      .option('--reason <text>', 'why, recorded in the audit trail')
      .action(async (id: string, o: { tenant?: string; reason?: string }, command: Command) => {
        const context = CliContext.of(command);
        const { body } = await context.client.call<KeyRecordDto>('POST', keyPath(id, `/${name}`), {
          query: { tenant: o.tenant },
          body: o.reason === undefined ? {} : { reason: o.reason },
        });
        context.print(body, () => keyFields(body));
      });
}
