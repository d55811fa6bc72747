// The one place the Kafka version is pinned; KAFKA_VERSION picks another (e.g. 3.9.1) for a compatibility run.
export const DEFAULT_KAFKA_VERSION = '4.3.1';

export function kafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.KAFKA_VERSION?.trim();
  return chosen ? chosen : DEFAULT_KAFKA_VERSION;
}

// Kafka 4 dropped ZooKeeper and moved to Log4j 2; several settings and the logging binding depend on it.
export function kafkaMajor(version: string): number {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (!Number.isFinite(major)) throw new Error(`Not a Kafka version: ${version}`);
  return major;
}
