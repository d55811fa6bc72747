// A kind's outside dependency during a test-run: the configured one, or a local stand-in, and how to count its effect.
import type { Admin } from 'kafkajs';
import { FailureError } from '../errors.js';
import type { KindName } from '../kinds.js';
import { plannedOutage, type Outage } from '../stand-ins/outage.js';
import type { Lookup } from './settings.js';

export interface KindServices {
  /** Variables the kernel gets on top of its own .env. */
  env: Record<string, string>;
  /** Topics the kernel writes results to, created and deleted with the test topic. */
  extraTopics: string[];
  /** Human descriptions of the stand-ins started, empty when everything is real. */
  standIns: string[];
  /** What "effect" means for this kind, for the summary. */
  effectLabel: string;
  /** How many effects the kind had (rows, requests, results); undefined when it cannot be seen from here. */
  countEffect(admin: Admin): Promise<number | undefined>;
  /**
   * Only for a local stand-in (--outage): makes it unavailable now for `ms`; `back` settles once it answers again.
   */
  beginOutage?(ms: number): Promise<{ back: Promise<void> }>;
  stop(): Promise<void>;
}

const nothing = async (): Promise<void> => undefined;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An in-process stand-in's outage: it answers 503 until the time is up. */
function outageOf(outage: Outage): (ms: number) => Promise<{ back: Promise<void> }> {
  return async (ms) => {
    outage.begin(ms);
    return { back: sleep(ms) };
  };
}

async function countRows(url: string, table: string, topic: string): Promise<number> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const result = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM "${table}" WHERE kafka_topic = $1`,
      [topic],
    );
    return Number(result.rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

// Fails fast with one sentence, instead of a kernel retrying a dead database until the timeout.
async function requireReachable(url: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new FailureError(
      `Could not connect to PostgreSQL at DATABASE_URL (${error instanceof Error ? error.message : String(error)}): check it in the kernel's .env, or pass --local for a local stand-in.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function databaseServices(lookup: Lookup, local: boolean, topic: string): Promise<KindServices> {
  const table = lookup('DATABASE_TABLE') ?? 'kernel_events';
  const configured = local ? undefined : lookup('DATABASE_URL');
  const base = { extraTopics: [], effectLabel: `rows in ${table}` };
  if (configured) await requireReachable(configured);
  if (configured)
    return { ...base, env: {}, standIns: [], countEffect: () => countRows(configured, table, topic), stop: nothing };
  const { findPostgresBin, startPostgres } = await import('../infra/postgres.js');
  const howTo =
    "set DATABASE_URL in the kernel's .env, or install the PostgreSQL server binaries (initdb, pg_ctl; PG_BIN names their directory) for a local stand-in";
  let server: Awaited<ReturnType<typeof startPostgres>>;
  try {
    server = await startPostgres(findPostgresBin());
  } catch (error) {
    throw new FailureError(
      `The database kind needs PostgreSQL and no local one could start (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): ${howTo}.`,
    );
  }
  return {
    ...base,
    env: { DATABASE_URL: server.url },
    standIns: [`PostgreSQL (local stand-in at 127.0.0.1:${server.port})`],
    countEffect: () => countRows(server.url, table, topic),
    // Really stopped (pg_ctl stop) and started again on the same port with its data.
    async beginOutage(ms) {
      await server.stop();
      return { back: sleep(ms).then(() => server.start()) };
    },
    stop: server.destroy,
  };
}

async function httpServices(lookup: Lookup, local: boolean): Promise<KindServices> {
  const configured = local ? undefined : lookup('API_BASE_URL');
  const base = { extraTopics: [], effectLabel: 'requests received' };
  if (configured) return { ...base, env: {}, standIns: [], countEffect: async () => undefined, stop: nothing };
  const { startHttpSink } = await import('../stand-ins/http-sink.js');
  const outage = plannedOutage();
  const sink = await startHttpSink(outage);
  return {
    ...base,
    env: { API_BASE_URL: sink.url, API_KEY: 'test-run-stand-in' },
    standIns: [`HTTP API (in-process sink at ${sink.url})`],
    countEffect: async () => sink.requests.length - sink.refused(),
    beginOutage: outageOf(outage),
    stop: sink.close,
  };
}

async function aiServices(lookup: Lookup, local: boolean, topic: string): Promise<KindServices> {
  const output = `${topic}.output`;
  const base = { extraTopics: [output], effectLabel: `results on ${output}` };
  const countEffect = async (admin: Admin) => (await import('./topics.js')).topicCount(admin, output);
  const configured = !local && (lookup('OPENAI_BASE_URL') !== undefined || lookup('OPENAI_API_KEY') !== undefined);
  if (configured) return { ...base, env: { OUTPUT_TOPIC: output }, standIns: [], countEffect, stop: nothing };
  const { startEchoModel } = await import('../stand-ins/echo-model.js');
  const outage = plannedOutage();
  const model = await startEchoModel(undefined, outage);
  return {
    ...base,
    env: { OUTPUT_TOPIC: output, OPENAI_BASE_URL: `${model.url}/v1`, OPENAI_API_KEY: 'test-run-stand-in' },
    standIns: [`OpenAI-compatible model (in-process echo at ${model.url}/v1)`],
    countEffect,
    beginOutage: outageOf(outage),
    stop: model.close,
  };
}

/** `topic` is the test topic: effects are counted for it only, never for the kernel's real traffic. */
export async function startKindServices(
  kind: KindName,
  lookup: Lookup,
  local: boolean,
  topic: string,
): Promise<KindServices> {
  if (kind === 'database') return databaseServices(lookup, local, topic);
  if (kind === 'http') return httpServices(lookup, local);
  if (kind === 'ai') return aiServices(lookup, local, topic);
  return {
    env: {},
    extraTopics: [],
    standIns: [],
    effectLabel: 'messages logged',
    countEffect: async () => undefined,
    stop: nothing,
  };
}
