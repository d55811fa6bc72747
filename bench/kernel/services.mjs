// Starts the real Kafka broker (and PostgreSQL with --postgres) from the built dist/infra and dist/test-infra, writes
// their addresses as shell assignments to the file given, and stops them on SIGTERM or SIGINT.
import { writeFileSync } from 'node:fs';
import { startTestKafkaBroker } from '../../dist/test-infra/kafka-broker.js';
import { startPostgres } from '../../dist/infra/postgres.js';
import { resolveUvEnvironment } from '../../dist/infra/uv-env.js';
import { startLatencyProxy } from './latency-proxy.mjs';

const [addressFile, ...flags] = process.argv.slice(2);
// --rtt-ms N: clients reach the broker only through a proxy adding N ms per round trip (half each way).
const rttIndex = flags.indexOf('--rtt-ms');
const rttMs = rttIndex < 0 ? 0 : Number(flags[rttIndex + 1]);
let proxy;
const broker = await startTestKafkaBroker(
  rttMs > 0
    ? {
        frontPlaintext: async (port) => {
          proxy = await startLatencyProxy(port, rttMs / 2);
          return proxy.port;
        },
      }
    : {},
);
const postgres = flags.includes('--postgres') ? await startPostgres() : undefined;
const vars = {
  BOOTSTRAP: proxy ? `127.0.0.1:${proxy.port}` : broker.bootstrapServers,
  ...(postgres ? { DATABASE_URL: postgres.url } : {}),
  // uv ignores pip's configuration: the same index and no Python downloads, as the tests use.
  ...resolveUvEnvironment(process.env),
};
writeFileSync(
  addressFile,
  Object.entries(vars)
    .map(([key, value]) => `export ${key}='${value}'\n`)
    .join(''),
);
console.error(`bench: Kafka ${broker.version} on ${broker.bootstrapServers} (started in ${broker.startupMs} ms)`);

const stop = async () => {
  await Promise.allSettled([broker.stop(), postgres?.destroy(), proxy?.close()]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);
