/**
 * Real Apache Kafka broker (KRaft, single node, no Docker) for integration
 * tests. Thin wrapper around tools/kafka/kafka.sh (see that script for details).
 *
 * Typical jest wiring:
 *
 *   // jest.global-setup.ts
 *   import { startKafkaBroker } from './test/support/kafka-broker';
 *   export default async (): Promise<void> => { await startKafkaBroker(); };
 *
 *   // jest.global-teardown.ts
 *   import { stopKafkaBroker } from './test/support/kafka-broker';
 *   export default async (): Promise<void> => { await stopKafkaBroker(); };
 *
 * The broker's settings are kept in process.env (KAFKA_PORT,
 * KAFKA_CONTROLLER_PORT, KAFKA_DATA_DIR) and its address in
 * process.env.KAFKA_BROKERS ("127.0.0.1:19092"), so globalTeardown and the
 * test workers (spawned after globalSetup, inheriting its env) address the same
 * broker, e.g. a test can call restartKafkaBroker() to simulate an outage.
 */
import { execFile } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const KAFKA_SH = path.resolve(__dirname, '../../tools/kafka/kafka.sh');

/** Cold Maven download of ~46 MB of jars. */
const FETCH_TIMEOUT_MS = 10 * 60_000;
/** Script waits up to KAFKA_START_TIMEOUT (60 s) for readiness, plus stop/format. */
const START_TIMEOUT_MS = 3 * 60_000;
/** Script sends SIGKILL after KAFKA_STOP_TIMEOUT (30 s). */
const STOP_TIMEOUT_MS = 60_000;

export interface StartKafkaBrokerOptions {
  /** PLAINTEXT listener port on 127.0.0.1 (default: env KAFKA_PORT or 19092). */
  port?: number;
  /**
   * KRaft controller port on 127.0.0.1 (default: env KAFKA_CONTROLLER_PORT,
   * else port + 1 when `port` is given, else 19093).
   */
  controllerPort?: number;
  /** Data dir (default: env KAFKA_DATA_DIR or /tmp/keyservice-kafka). */
  dataDir?: string;
  /**
   * Reuse the already formatted data dir (topics, messages and committed
   * offsets survive). Its server.properties, ports included, is reused as-is.
   * Default false: the data dir is wiped and formatted fresh.
   */
  keepData?: boolean;
}

export interface KafkaBrokerInfo {
  /** Bootstrap servers, e.g. ["127.0.0.1:19092"]. */
  brokers: string[];
}

interface ScriptResult {
  stdout: string;
  stderr: string;
}

function runKafkaSh(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<ScriptResult> {
  return new Promise<ScriptResult>((resolve, reject) => {
    execFile(
      'bash',
      [KAFKA_SH, ...args],
      { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (process.env.KAFKA_BROKER_DEBUG) {
          process.stderr.write(stderr);
        }
        if (error) {
          const how = error.killed ? `killed (${String(error.signal)}), timeout ${timeoutMs} ms` : `exit code ${String(error.code)}`;
          reject(
            new Error(
              `tools/kafka/kafka.sh ${args.join(' ')} failed: ${how}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
            ),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

function parseBrokers(stdout: string): string[] {
  const list = /^KAFKA_BROKERS=(.+)$/m.exec(stdout)?.[1];
  const brokers = (list ?? '').trim().split(',').filter((b) => b.length > 0);
  if (brokers.length === 0) {
    throw new Error(`tools/kafka/kafka.sh did not report KAFKA_BROKERS; stdout was:\n${stdout}`);
  }
  return brokers;
}

function publishBrokers(brokers: string[]): void {
  process.env.KAFKA_BROKERS = brokers.join(',');
  const port = brokers[0]?.split(':').pop();
  if (port) {
    process.env.KAFKA_PORT = port;
  }
}

/** Download Kafka's jars from Maven Central unless already there (fast no-op then). */
export async function ensureKafkaFetched(): Promise<void> {
  await runKafkaSh(['fetch'], FETCH_TIMEOUT_MS);
}

/**
 * Start the broker and wait until it serves requests. A broker still running
 * from a previous run on the same data dir is stopped first (never reused).
 */
export async function startKafkaBroker(opts: StartKafkaBrokerOptions = {}): Promise<KafkaBrokerInfo> {
  if (opts.port !== undefined) {
    process.env.KAFKA_PORT = String(opts.port);
    if (opts.controllerPort === undefined) {
      process.env.KAFKA_CONTROLLER_PORT = String(opts.port + 1);
    }
  }
  if (opts.controllerPort !== undefined) {
    process.env.KAFKA_CONTROLLER_PORT = String(opts.controllerPort);
  }
  if (opts.dataDir !== undefined) {
    process.env.KAFKA_DATA_DIR = path.resolve(opts.dataDir);
  }
  await ensureKafkaFetched();
  const { stdout } = await runKafkaSh(opts.keepData ? ['start', '--keep-data'] : ['start'], START_TIMEOUT_MS);
  const brokers = parseBrokers(stdout);
  publishBrokers(brokers);
  return { brokers };
}

/** Stop the broker (graceful, SIGKILL after 30 s) and wait until it has exited. No-op if not running. */
export async function stopKafkaBroker(): Promise<void> {
  await runKafkaSh(['stop'], STOP_TIMEOUT_MS);
}

/** Stop then start again keeping all data: simulates a broker outage. */
export async function restartKafkaBroker(): Promise<void> {
  const { stdout } = await runKafkaSh(['restart'], STOP_TIMEOUT_MS + START_TIMEOUT_MS);
  publishBrokers(parseBrokers(stdout));
}

export interface DedicatedKafkaBroker {
  readonly brokers: string[];
  /** Stops it, keeping its data: the first half of an outage. */
  stop(): Promise<void>;
  /** Starts it again on the same data: the end of an outage. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * A second broker of the test's own, on its own ports and data dir, for tests that take a broker
 * down: stopping the shared one would fail every other test file running at the same time.
 * It leaves process.env alone, so the rest of the file keeps talking to the shared broker.
 */
export async function startDedicatedKafkaBroker(port: number, label: string): Promise<DedicatedKafkaBroker> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(port + 1),
    KAFKA_DATA_DIR: path.join(os.tmpdir(), `keyservice-kafka-${label}`),
  };
  await ensureKafkaFetched();
  const brokers = parseBrokers((await runKafkaSh(['start'], START_TIMEOUT_MS, env)).stdout);
  return {
    brokers,
    stop: async () => void (await runKafkaSh(['stop'], STOP_TIMEOUT_MS, env)),
    start: async () => void (await runKafkaSh(['start', '--keep-data'], START_TIMEOUT_MS, env)),
    destroy: async () => void (await runKafkaSh(['clean'], STOP_TIMEOUT_MS, env)),
  };
}
