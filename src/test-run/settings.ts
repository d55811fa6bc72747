// Where test-run's broker settings come from: the flag, then the environment, then the kernel's .env (as for the kernel).
import { parseBrokers } from '../broker-address.js';
import { UsageError } from '../errors.js';

export type Lookup = (name: string) => string | undefined;

/** PEM texts test-run's Kafka client trusts (ca) and presents (cert, key), decoded from KAFKA_CA_CERT and friends. */
export interface ClientTlsPems {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface BrokerSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface BrokerSettings {
  bootstrapServers: string[];
  from: 'flag' | '.env' | 'environment';
  tls?: ClientTlsPems;
  sasl?: BrokerSasl;
}

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** The first non-empty value: the environment wins over .env, as python-dotenv and docker compose have it for the kernel. */
export function lookupIn(dotEnv: Record<string, string>, env: NodeJS.ProcessEnv): Lookup {
  return (name) => [env[name], dotEnv[name]].find(isSet)?.trim();
}

/** The .env values the environment leaves unset or empty: what the kernel under test gets from .env, by the same rule. */
export function dotEnvBeneath(dotEnv: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(dotEnv).filter(([name, value]) => isSet(value) && !isSet(env[name])));
}

function decodePem(name: string, lookup: Lookup): string | undefined {
  const encoded = lookup(name);
  if (encoded === undefined) return undefined;
  const pem = Buffer.from(encoded, 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN '))
    throw new UsageError(`${name} must be the base64 encoding of a PEM file (for example: base64 -w0 ca.pem).`);
  return pem;
}

function readTls(lookup: Lookup): ClientTlsPems | undefined {
  const tls = {
    ca: decodePem('KAFKA_CA_CERT', lookup),
    cert: decodePem('KAFKA_CLIENT_CERT', lookup),
    key: decodePem('KAFKA_CLIENT_KEY', lookup),
  };
  if ((tls.cert === undefined) !== (tls.key === undefined))
    throw new UsageError('KAFKA_CLIENT_CERT and KAFKA_CLIENT_KEY must be set together.');
  const given = Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined)) as ClientTlsPems;
  return Object.keys(given).length > 0 ? given : undefined;
}

function readSasl(lookup: Lookup): BrokerSasl | undefined {
  const mechanism = lookup('KAFKA_SASL_MECHANISM')?.toLowerCase();
  if (mechanism === undefined) return undefined;
  if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
    throw new UsageError(`KAFKA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (got ${mechanism}).`);
  }
  return { mechanism, username: lookup('KAFKA_SASL_USERNAME') ?? '', password: lookup('KAFKA_SASL_PASSWORD') ?? '' };
}

function parseServers(value: string, origin: string): string[] {
  const servers = parseBrokers(value);
  if (servers === undefined)
    throw new UsageError(
      `${origin} must be host:port (comma-separated for several brokers), got ${JSON.stringify(value)}.`,
    );
  return servers;
}

/** The configured broker, or undefined when neither the flag, the environment nor .env names one. */
export function brokerSettings(
  flag: string | undefined,
  dotEnv: Record<string, string>,
  env: NodeJS.ProcessEnv,
): BrokerSettings | undefined {
  const lookup = lookupIn(dotEnv, env);
  const value = flag ?? lookup('KAFKA_BOOTSTRAP_SERVERS');
  if (value === undefined) return undefined;
  const from = flag !== undefined ? 'flag' : isSet(env.KAFKA_BOOTSTRAP_SERVERS) ? 'environment' : '.env';
  const servers = parseServers(value, flag !== undefined ? '--bootstrap-server' : 'KAFKA_BOOTSTRAP_SERVERS');
  const tls = readTls(lookup);
  const sasl = readSasl(lookup);
  return { bootstrapServers: servers, from, ...(tls ? { tls } : {}), ...(sasl ? { sasl } : {}) };
}
