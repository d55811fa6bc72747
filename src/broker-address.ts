// One rule for a Kafka broker address, host:port, from facts.json: the kernel runtime's broker_address.py applies it too.
// A hostname or IPv4 address (ASCII letters, digits, '.', '_', '-'; no leading '.' or '-'), or a bracketed IPv6 one.
import { BROKER_ADDRESS_PATTERN, MAX_PORT } from './facts.js';

const BROKER_ADDRESS = new RegExp(BROKER_ADDRESS_PATTERN);

export function isBrokerAddress(text: string): boolean {
  const port = BROKER_ADDRESS.exec(text)?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= MAX_PORT;
}

/** The brokers a comma-separated list names, each trimmed, or undefined when any of them is not host:port. */
export function parseBrokers(text: string): string[] | undefined {
  const brokers = text.split(',').map((broker) => broker.trim());
  return brokers.every(isBrokerAddress) ? brokers : undefined;
}
