import { kafkaMajor } from './kafka-version.js';

export interface BrokerPorts {
  plaintext: number;
  controller: number;
}

export interface BrokerConfigInput {
  version: string;
  ports: BrokerPorts;
  logDir: string;
  autoCreateTopics: boolean;
  /** Properties layered over these, such as more listeners. */
  extra?: Record<string, string>;
}

// One PLAINTEXT listener on loopback, which the clients are told to use as they reach it.
function listenerSettings({ plaintext, controller }: BrokerPorts): Record<string, string> {
  return {
    listeners: `PLAINTEXT://127.0.0.1:${plaintext},CONTROLLER://127.0.0.1:${controller}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${plaintext}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
  };
}

// One node, one partition for every internal topic and few threads: starts in seconds on 2 cores.
function smallAndFastSettings(version: string): Record<string, string> {
  const settings: Record<string, string> = {
    'num.partitions': '1',
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '1',
    'group.initial.rebalance.delay.ms': '0',
    'num.network.threads': '2',
    'num.io.threads': '2',
    'num.recovery.threads.per.data.dir': '1',
    'background.threads': '2',
    // The cleaner's default 128 MiB buffer would take a quarter of the small heap.
    'log.cleaner.dedupe.buffer.size': String(8 * 1024 * 1024),
  };
  if (kafkaMajor(version) >= 4) {
    settings['share.coordinator.state.topic.replication.factor'] = '1';
    settings['share.coordinator.state.topic.min.isr'] = '1';
    settings['share.coordinator.state.topic.num.partitions'] = '1';
  }
  return settings;
}

export function brokerProperties(input: BrokerConfigInput): string {
  const settings: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${input.ports.controller}`,
    ...listenerSettings(input.ports),
    'log.dirs': input.logDir,
    'auto.create.topics.enable': String(input.autoCreateTopics),
    ...smallAndFastSettings(input.version),
    ...input.extra,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
