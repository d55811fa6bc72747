import { Kafka, logLevel } from "kafkajs";

async function describeClusterOnce(bootstrapServers: string): Promise<void> {
  const admin = new Kafka({
    clientId: "clustera-broker-probe",
    brokers: [bootstrapServers],
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

// A listening socket is not enough: the broker is ready when it answers a metadata request.
export async function waitForKafka(
  bootstrapServers: string,
  timeoutMs: number,
  stillRunning: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!stillRunning()) throw new Error("the broker process exited during startup");
    try {
      await describeClusterOnce(bootstrapServers);
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`no metadata response from ${bootstrapServers} within ${timeoutMs} ms (${String(lastError)})`);
}
