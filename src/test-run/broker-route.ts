// Which ephemeral broker a test-run starts when none is configured: Docker first, then Java, else neither.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type BrokerRoute = 'docker' | 'java' | 'none';

export interface RouteProbe {
  dockerAnswers: boolean;
  /** Major version of `java` on PATH, undefined without one. */
  javaMajor: number | undefined;
}

export const MIN_JAVA = 17;

export function chooseBrokerRoute(probe: RouteProbe): BrokerRoute {
  if (probe.dockerAnswers) return 'docker';
  if (probe.javaMajor !== undefined && probe.javaMajor >= MIN_JAVA) return 'java';
  return 'none';
}

export function noRouteMessage(probe: RouteProbe): string {
  const java = probe.javaMajor === undefined ? 'no java on PATH' : `java ${probe.javaMajor} is older than ${MIN_JAVA}`;
  return `No Kafka broker is configured and none can be started here (no Docker engine answers, ${java}): start Docker or install Java ${MIN_JAVA}+, or pass --bootstrap-server host:port.`;
}

/** `java -version` prints e.g. `openjdk version "17.0.12"` or `java version "1.8.0_401"` on stderr. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

async function javaMajor(): Promise<number | undefined> {
  try {
    const { stderr, stdout } = await run('java', ['-version'], { timeout: 10_000 });
    return parseJavaMajor(`${stderr}\n${stdout}`);
  } catch {
    return undefined;
  }
}

export async function probeBrokerRoutes(): Promise<RouteProbe> {
  const [docker, java] = await Promise.all([dockerAnswers(), javaMajor()]);
  return { dockerAnswers: docker, javaMajor: java };
}
