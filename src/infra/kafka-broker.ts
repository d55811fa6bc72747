import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePorts } from './free-port.js';
import { brokerProperties, type BrokerPorts } from './kafka-config.js';
import { ensureKafkaJars, type KafkaJars } from './kafka-jars.js';
import { brokerLogging } from './kafka-logging.js';
import { waitForKafka } from './kafka-ready.js';
import { kafkaVersion } from './kafka-version.js';
import { tailLines } from './log-tail.js';
import { hasExited, stopProcess } from './stop-process.js';

export interface KafkaBrokerOptions {
  version?: string;
  autoCreateTopics?: boolean;
  startTimeoutMs?: number;
  /** Properties layered over the single PLAINTEXT listener's, once its ports are known (more listeners, say). */
  extraProperties?: (ports: BrokerPorts) => Promise<Record<string, string>>;
}

export interface KafkaBroker {
  version: string;
  bootstrapServers: string;
  logFile: string;
  pid: number;
  /** From formatting the storage to the first successful metadata request. */
  startupMs: number;
  stop(): Promise<void>;
}

// KRaft wants 16 random bytes as URL-safe base64; a leading '-' would read as a command-line flag.
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// The start scripts default to a 1 GiB G1 heap; a test broker is fine with a small serial one.
function jvmArgs(heap: string): string[] {
  return [`-Xmx${heap}`, '-Xms64m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];
}

// The one-shot storage tool gains nothing from the optimising compiler, only its start-up cost.
const SHORT_LIVED_JVM = ['-XX:TieredStopAtLevel=1'];

// Both JVMs write into the broker log, so a failed format shows up in the same tail as a failed start.
function javaWithLog(args: string[], logFile: string): ChildProcess {
  const out = openSync(logFile, 'a');
  try {
    return spawn('java', args, { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
}

async function formatStorage(jars: KafkaJars, configFile: string, logFlag: string, logFile: string): Promise<void> {
  const args = [...jvmArgs('256m'), ...SHORT_LIVED_JVM, logFlag, '-cp', jars.classpath, 'kafka.tools.StorageTool'];
  const tool = javaWithLog([...args, 'format', '-t', newClusterId(), '-c', configFile], logFile);
  const code = await new Promise<number | null>((resolve, reject) => {
    tool.once('error', reject);
    tool.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`formatting the storage failed (exit code ${code})`);
}

// Starts a single-node KRaft broker (broker and controller in one JVM) on free loopback ports.
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const version = options.version ?? kafkaVersion();
  const jars = await ensureKafkaJars(version);
  const dir = await mkdtemp(join(tmpdir(), 'clustera-kafka-'));
  const [plaintext, controller] = await findFreePorts(2);
  if (plaintext === undefined || controller === undefined) throw new Error('No free loopback ports');
  const ports: BrokerPorts = { plaintext, controller };
  const logging = brokerLogging(version);
  const loggingFile = join(dir, logging.fileName);
  const configFile = join(dir, 'server.properties');
  const logFile = join(dir, 'broker.log');
  await writeFile(loggingFile, logging.content);
  const extra = options.extraProperties ? await options.extraProperties(ports) : {};
  await writeFile(
    configFile,
    brokerProperties({
      version,
      ports,
      logDir: join(dir, 'data'),
      autoCreateTopics: options.autoCreateTopics ?? false,
      extra,
    }),
  );

  const started = Date.now();
  let child: ChildProcess | undefined;
  // A crashed test runner must not leave a JVM behind holding ports.
  const killOnExit = (): void => void child?.kill('SIGKILL');
  try {
    const logFlag = logging.jvmFlag(loggingFile);
    await formatStorage(jars, configFile, logFlag, logFile);
    const spawned = javaWithLog(
      [...jvmArgs('512m'), logFlag, '-cp', jars.classpath, 'kafka.Kafka', configFile],
      logFile,
    );
    child = spawned;
    let spawnError: Error | undefined;
    spawned.once('error', (error) => (spawnError = error));
    process.once('exit', killOnExit);
    await waitForKafka(
      `127.0.0.1:${plaintext}`,
      options.startTimeoutMs ?? 60_000,
      () => spawnError === undefined && !hasExited(spawned),
    );
  } catch (error) {
    const tail = await tailLines(logFile);
    if (child) await stopProcess(child);
    process.removeListener('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `Kafka ${version} did not start: ${error instanceof Error ? error.message : String(error)}\n--- last lines of the broker log ---\n${tail}`,
    );
  }
  const broker = child;
  return {
    version,
    bootstrapServers: `127.0.0.1:${plaintext}`,
    logFile,
    pid: broker.pid ?? -1,
    startupMs: Date.now() - started,
    async stop() {
      await stopProcess(broker);
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
