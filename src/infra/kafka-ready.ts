import { Kafka, logLevel } from 'kafkajs';

async function probeOnce(bootstrapServers: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'clustera-broker-probe',
    brokers: [bootstrapServers],
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    // Creates and loads the group coordinator's topic now, so a first consumer is not told "coordinator is loading".
    await admin.describeGroups(['clustera-broker-probe']);
  } finally {
    await admin.disconnect();
  }
}

// A listening socket is not enough: the broker is ready when it answers metadata and group requests.
export async function waitForKafka(
  bootstrapServers: string,
  timeoutMs: number,
  stillRunning: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!stillRunning()) throw new Error('the broker process exited during startup');
    try {
      await probeOnce(bootstrapServers);
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`no metadata response from ${bootstrapServers} within ${timeoutMs} ms (${String(lastError)})`);
}
