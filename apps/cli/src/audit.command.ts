import { Command, Option } from 'commander';
import type { AuditEventDto, AuditPageDto } from '../../key-service/src/keys/auditing/audit-event.dto';
import { KEY_EVENT_TYPES } from '@key-service/events';
import { CliContext } from './cli.context';
import { readPages } from './page.reader';
import { formatTable } from './table.formatter';

interface AuditOptions {
  key?: string;
  tenant?: string;
  type?: string;
  actor?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
  all?: boolean;
}

function auditTable(events: readonly AuditEventDto[]): string {
  if (events.length === 0) return 'No events.';
  return formatTable(
    ['TIME', 'TYPE', 'KEY', 'TENANT', 'VERSION', 'ACTOR', 'DATA'],
    events.map((e) => [e.occurredAt, e.type, e.keyId, e.tenant, String(e.version), `${e.actor.type}:${e.actor.id}`, JSON.stringify(e.data)]),
  );
}

export function addAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('read the audit trail: every change to every key, oldest first')
    .option('--key <id>', "only this key's events")
    .option('--tenant <tenant>', 'root key only: only this tenant')
    .addOption(new Option('--type <type>', 'only events of this type').choices(KEY_EVENT_TYPES as string[]))
    .option('--actor <id>', 'only events by this actor: a key id, "root" or "key-service"')
    .option('--from <date-time>', 'only events at or after this RFC 3339 instant')
    .option('--to <date-time>', 'only events before this RFC 3339 instant')
    .option('--limit <n>', 'events per page (1-500, default 100)')
    .option('--cursor <cursor>', 'continue from the nextCursor of an earlier page')
    .option('--all', 'follow every page to the end')
    .action(async (o: AuditOptions, command: Command) => {
      const context = CliContext.of(command);
      const page = await readPages(
        async (cursor) =>
          (
            await context.client.call<AuditPageDto>('GET', '/v1/audit', {
              query: { keyId: o.key, tenant: o.tenant, type: o.type, actor: o.actor, from: o.from, to: o.to, limit: o.limit, cursor },
            })
          ).body,
        o.cursor,
        o.all === true,
      );
      context.print(page, () => auditTable(page.items) + (page.nextCursor ? `\n\nMore: --cursor ${page.nextCursor} (or --all)` : ''));
    });
}
