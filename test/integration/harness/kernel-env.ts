// The environment a kernel under test runs with: the shared broker, an isolated topic and group, fast commits.

export interface KernelRun {
  topic: string;
  group: string;
  dlq: string;
}

export function kernelEnv(
  bootstrapServers: string,
  run: KernelRun,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
    KAFKA_TOPIC: run.topic,
    KAFKA_CONSUMER_GROUP: run.group,
    KAFKA_AUTO_OFFSET_RESET: 'earliest',
    DLQ_TOPIC: run.dlq,
    COMMIT_INTERVAL_MS: '200',
    KAFKA_CONNECT_TIMEOUT_S: '15',
    SHUTDOWN_TIMEOUT_S: '10',
    ...extra,
  };
}
