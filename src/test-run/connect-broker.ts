// Step 1 of a test-run: the broker (configured, or an ephemeral local one) and an admin client connected to it.
import type { Admin, Kafka } from 'kafkajs';
import { FailureError } from '../errors.js';
import { kafkaFor } from './kafka-client.js';
import { startLocalBroker } from './local-broker.js';
import type { RunContext } from './run-plan.js';
import { brokerSettings, type BrokerSettings } from './settings.js';

export interface BrokerConnection {
  kafka: Kafka;
  admin: Admin;
  bootstrapServers: string[];
  /** A local broker, or --local: test-run uses no TLS or SASL from .env, and neither must the kernel. */
  plaintext: boolean;
}

interface FoundBroker {
  settings: Pick<BrokerSettings, 'bootstrapServers' | 'tls' | 'sasl'>;
  local: boolean;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The configured broker, else a local one started for this run and stopped at its cleanup. */
async function findBroker({ options, plan, progress, cleanup, result }: RunContext): Promise<FoundBroker> {
  const configured = brokerSettings(
    options.bootstrapServer,
    options.local ? {} : plan.fileEnv,
    options.local ? {} : process.env,
  );
  if (configured !== undefined) {
    result.broker = {
      from: configured.from,
      bootstrapServers: configured.bootstrapServers.join(','),
      version: null,
      route: null,
      brokers: null,
    };
    return { settings: configured, local: false };
  }
  progress.step('No Kafka broker configured: starting a local one for this run');
  const local = await startLocalBroker(Math.max(options.timeoutMs, 60_000));
  cleanup.push(local.stop);
  result.broker = {
    from: 'local',
    bootstrapServers: local.bootstrapServers,
    version: local.version,
    route: local.route,
    brokers: 1,
  };
  result.brokerStartSeconds = local.startupMs / 1000;
  progress.step(
    `Local Kafka ${local.version} (${local.route}) ready at ${local.bootstrapServers} in ${(local.startupMs / 1000).toFixed(1)} s`,
  );
  return { settings: { bootstrapServers: [local.bootstrapServers] }, local: true };
}

async function connectWithin(admin: Admin, servers: string, from: string, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    await Promise.race([admin.connect(), timeout]);
  } catch (error) {
    void admin.disconnect().catch(() => undefined);
    throw new FailureError(
      `Could not connect to Kafka at ${servers} (from ${from}): ${messageOf(error)}; check the address, that the broker is running, and the TLS and SASL settings.`,
    );
  } finally {
    clearTimeout(timer);
  }
}

export async function connectToBroker(run: RunContext): Promise<BrokerConnection> {
  const { options, progress, cleanup, result } = run;
  const { settings, local } = await findBroker(run);
  const kafka = kafkaFor(settings, options.timeoutMs);
  const admin = kafka.admin();
  progress.step(`Connecting to ${result.broker.bootstrapServers}`);
  const from = result.broker.from === 'local' ? 'the local broker' : result.broker.from;
  await connectWithin(admin, result.broker.bootstrapServers, from, options.timeoutMs);
  cleanup.push(() => admin.disconnect());
  result.broker.brokers = (await admin.describeCluster()).brokers.length;
  return { kafka, admin, bootstrapServers: settings.bootstrapServers, plaintext: options.local || local };
}
