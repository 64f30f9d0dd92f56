import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Client } from 'pg';

/**
 * CPU time per request, for every process a load touches: user + system time from
 * /proc/<pid>/stat (utime and stime, in clock ticks, every thread of the process included, exited
 * ones too) before and after the load, divided by the requests it served. Unlike requests/s it does
 * not move with what the box's other tenants do, except through cache and frequency effects.
 *
 * A group is a name and a way to find its pids now: a fixed pid for a process the bench started
 * (the services, the projector, Redis, the Kafka broker, the baseline and floor servers), or the
 * PostgreSQL backends serving the bench's processes, which come and go with the pools' connections.
 * Pids are looked up again every POLL_MS during a load, so a backend opened mid-load counts from
 * its start, and one closed mid-load keeps what it had used at the last poll (up to POLL_MS of it
 * can be lost; the pools keep their connections while they are busy, so this is rare).
 *
 * Not counted: the load generator (autocannon runs in the bench's own process), and PostgreSQL's
 * shared processes (checkpointer, background writer, WAL writer, autovacuum): they serve every
 * database on this server, other tenants' included, so their time cannot be told apart.
 */
export const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const POLL_MS = 250;

export interface CpuGroup {
  readonly name: string;
  pids(): Promise<readonly number[]>;
}

/** CPU seconds each group used during one load. */
export interface CpuSample {
  readonly seconds: ReadonlyMap<string, number>;
  readonly wallSeconds: number;
}

/** utime and stime from a /proc stat file (a process's or one thread's), in clock ticks; null when it is gone. */
function statTicks(path: string): { user: number; system: number } | null {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is fields[0]; utime is field 14, stime field 15.
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

/** utime + stime of a process, in clock ticks; null when it is gone. */
export function cpuTicks(pid: number): number | null {
  const ticks = statTicks(`/proc/${pid}/stat`);
  return ticks === null ? null : ticks.user + ticks.system;
}

/** A process's CPU time split: its main (JavaScript) thread's user and system time, and every other thread's. */
export interface ThreadCpu {
  readonly mainUser: number;
  readonly mainSystem: number;
  readonly others: number;
}

/** ThreadCpu of a live process in microseconds so far (threads that exited are not counted). */
export function threadCpuMicros(pid: number): ThreadCpu {
  let mainUser = 0;
  let mainSystem = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const ticks = statTicks(`/proc/${pid}/task/${tid}/stat`);
    if (ticks === null) continue;
    if (Number(tid) === pid) {
      mainUser += ticks.user;
      mainSystem += ticks.system;
    } else others += ticks.user + ticks.system;
  }
  const us = (t: number) => (t * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  return { mainUser: us(mainUser), mainSystem: us(mainSystem), others: us(others) };
}

/** CPU time (user + system) a process has used so far, in microseconds; throws when it is gone. */
export function processCpuMicros(pid: number): number {
  const ticks = cpuTicks(pid);
  if (ticks === null) throw new Error(`process ${pid} is gone: no /proc/${pid}/stat`);
  return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

export const fixedPid = (name: string, pid: () => number | undefined): CpuGroup => ({
  name,
  pids: async () => {
    const p = pid();
    return p === undefined ? [] : [p];
  },
});

/**
 * The PostgreSQL backends connected from `clients` (pids of the bench's processes): each client's
 * sockets to the server's port, matched by their local port to `client_port` in pg_stat_activity.
 * This finds every session of those processes, the leader-lock sessions included (they name
 * themselves with their own application_name), and none of another tenant's on the shared server.
 */
export function postgresBackendsOf(name: string, databaseUrl: string, clients: () => readonly number[]): CpuGroup & { close(): Promise<void> } {
  const serverPort = Number(new URL(databaseUrl).port || 5432);
  let admin: Client | null = null;
  return {
    name,
    pids: async () => {
      const ports = clientPorts(clients(), serverPort);
      if (ports.length === 0) return [];
      if (admin === null) {
        admin = new Client({ connectionString: databaseUrl, application_name: 'bench-cpu-meter' });
        await admin.connect();
      }
      const { rows } = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND client_addr IN ('127.0.0.1', '::1')",
        [ports],
      );
      return rows.map((r) => r.pid);
    },
    close: async () => {
      await admin?.end();
      admin = null;
    },
  };
}

/** Local ports of the TCP connections `pids` hold to `serverPort` on this host. */
function clientPorts(pids: readonly number[], serverPort: number): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1));
      } catch {
        /* closed meanwhile */
      }
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      const local = parseInt(f[1].split(':')[1], 16);
      const remote = parseInt(f[2].split(':')[1], 16);
      if (remote === serverPort) ports.push(local);
    }
  }
  return ports;
}

/** Measures the CPU time of every group over one load at a time. */
export class ProcessCpuMeter {
  private first = new Map<number, number>();
  private last = new Map<number, number>();
  private groupOf = new Map<number, string>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private startedAt = 0;

  constructor(readonly groups: readonly CpuGroup[]) {}

  async start(): Promise<void> {
    this.first = new Map();
    this.last = new Map();
    this.groupOf = new Map();
    this.startedAt = Date.now();
    await this.poll(true);
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll(false)).catch(() => undefined);
    }, POLL_MS);
  }

  async stop(): Promise<CpuSample> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    await this.poll(false);
    const seconds = new Map<string, number>(this.groups.map((g) => [g.name, 0]));
    for (const [pid, ticks] of this.last) {
      const group = this.groupOf.get(pid) as string;
      seconds.set(group, (seconds.get(group) ?? 0) + (ticks - (this.first.get(pid) ?? 0)) / CLOCK_TICKS_PER_SECOND);
    }
    return { seconds, wallSeconds: (Date.now() - this.startedAt) / 1000 };
  }

  /** At the start every pid's reading is its baseline; a pid first seen later started during the load (from 0). */
  private async poll(atStart: boolean): Promise<void> {
    for (const group of this.groups) {
      for (const pid of await group.pids()) {
        const ticks = cpuTicks(pid);
        if (ticks === null) continue;
        if (!this.groupOf.has(pid)) {
          this.groupOf.set(pid, group.name);
          if (atStart) this.first.set(pid, ticks);
        }
        this.last.set(pid, ticks);
      }
    }
  }
}

/** Microseconds of CPU per request, per group and in total. */
export function microsecondsPerRequest(sample: CpuSample, requests: number): Map<string, number> {
  const out = new Map<string, number>();
  let total = 0;
  for (const [name, seconds] of sample.seconds) {
    out.set(name, (seconds * 1e6) / Math.max(1, requests));
    total += seconds;
  }
  out.set('total', (total * 1e6) / Math.max(1, requests));
  return out;
}
