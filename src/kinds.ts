// The one table of kernel kinds: prompts, `kinds`, the renderer and the generated docs all read it.
import { RUNTIME_ENV } from './facts.js';

export type KindName = 'basic' | 'database' | 'http' | 'ai';

export interface EnvVar {
  name: string;
  description: string;
  /** Value written into .env.template; empty means "set me". */
  example: string;
  required: boolean;
  secret?: boolean;
}

export interface Kind {
  name: KindName;
  label: string;
  description: string;
  /** The runtime's extra for this kind (runtime/pyproject.toml), if it needs libraries beyond the base runtime. */
  runtimeExtra?: string;
  /** What that extra installs, for `kinds`; test/unit/runtime-package.test.ts holds it to the runtime's pyproject. */
  dependencies: string[];
  /** The official OpenTelemetry instrumentations of those libraries, in the `tracing` group. */
  tracingDependencies: string[];
  env: EnvVar[];
  /** A representative message value, used by generated tests and `test-run`. */
  samplePayload: Record<string, unknown>;
  /** Its tests/test_process_message.py handles a schema itself, so the schema layer's generic one is not used. */
  testsHandleSchema?: boolean;
}

/** What the runtime installs for every kernel, whatever its kind (runtime/pyproject.toml's dependencies). */
export const BASE_DEPENDENCIES = [
  'confluent-kafka>=2.6,<3',
  'opentelemetry-api>=1.30,<2',
  'prometheus-client>=0.20,<1',
  'python-dotenv>=1.0,<2',
  // kernel_runtime.Message's type parameter defaults to Any (PEP 696), which typing only has from Python 3.13.
  'typing-extensions>=4.12,<5',
];

/** The runtime's `tracing` extra: the OpenTelemetry SDK and OTLP exporter, loaded only when an endpoint is set. */
export const TRACING_DEPENDENCIES = ['opentelemetry-exporter-otlp-proto-http>=1.30,<2', 'opentelemetry-sdk>=1.30,<2'];

// Pinned to the range the templates are formatted and type-checked with, so a user's first `ruff format` changes nothing.
// opentelemetry-sdk: the runtime's tracing tests record spans in memory (the kernel itself needs it only with --group tracing).
export const DEV_DEPENDENCIES = [
  'hypothesis>=6.100,<7',
  'mypy>=2.4,<2.5',
  'opentelemetry-sdk>=1.30,<2',
  'pytest>=8,<9',
  'ruff>=0.17.6,<0.18',
];

/** The runtime's variables (facts.json), as .env.template shows them: the default, else an example. */
export const BASE_ENV: EnvVar[] = RUNTIME_ENV.map((variable) => ({
  name: variable.name,
  description: variable.description,
  example: variable.default ?? variable.example ?? '',
  required: variable.required ?? false,
  ...(variable.secret ? { secret: true } : {}),
}));

export const KINDS: Kind[] = [
  {
    name: 'basic',
    label: 'Basic',
    description: 'Hello world: decode JSON when possible and log it',
    dependencies: [],
    tracingDependencies: [],
    env: [
      {
        name: 'MAX_IN_FLIGHT',
        description: 'Messages processed at once (1: one at a time, in order)',
        example: '1',
        required: false,
      },
    ],
    samplePayload: { id: 'msg-1', message: 'hello, world' },
  },
  {
    name: 'database',
    label: 'Database',
    description: 'Store every message in PostgreSQL (psycopg 3 pool, idempotent by topic/partition/offset)',
    runtimeExtra: 'database',
    dependencies: ['psycopg[binary]>=3.2,<4', 'psycopg-pool>=3.2,<4'],
    tracingDependencies: ['opentelemetry-instrumentation-psycopg>=0.51b0,<1'],
    env: [
      {
        name: 'DATABASE_URL',
        description: 'PostgreSQL connection URL',
        example: 'postgresql://postgres:postgres@localhost:5432/postgres',
        required: true,
        secret: true,
      },
      {
        name: 'DATABASE_TABLE',
        description: 'Table the kernel writes to (created if missing)',
        example: 'kernel_events',
        required: false,
      },
      { name: 'DATABASE_POOL_MAX', description: 'Most connections open to PostgreSQL', example: '8', required: false },
      {
        name: 'MAX_IN_FLIGHT',
        description: 'Messages processed at once; keep it at most DATABASE_POOL_MAX',
        example: '8',
        required: false,
      },
    ],
    samplePayload: { id: 'order-1', customer: 'c-42', total: 19.99 },
    testsHandleSchema: true,
  },
  {
    name: 'http',
    label: 'HTTP',
    description: 'Forward every message as JSON to an HTTP API (pyreqwest, retries, Idempotency-Key)',
    runtimeExtra: 'http',
    dependencies: ['pyreqwest>=0.15,<1', 'uvloop>=0.21,<1'],
    // No official instrumentation covers pyreqwest: forward.py makes its client span (traced_http_request).
    tracingDependencies: [],
    env: [
      {
        name: 'API_BASE_URL',
        description: 'Base URL of the target API',
        example: 'http://localhost:8080',
        required: true,
      },
      { name: 'API_PATH', description: 'Path the messages are POSTed to', example: '/events', required: false },
      {
        name: 'API_KEY',
        description: 'Sent as Authorization: Bearer <key> when set',
        example: '',
        required: false,
        secret: true,
      },
      { name: 'HTTP_TIMEOUT_S', description: 'Request timeout in seconds', example: '10', required: false },
      {
        name: 'MAX_IN_FLIGHT',
        description: 'Requests in flight at once; about the API rate limit (per second) x its response time (seconds)',
        example: '128',
        required: false,
      },
    ],
    samplePayload: { id: 'evt-1', type: 'user.signed_up', user: 'u-7' },
    testsHandleSchema: true,
  },
  {
    name: 'ai',
    label: 'AI',
    description: 'Ask an OpenAI-compatible model about every message and produce the answer to OUTPUT_TOPIC',
    runtimeExtra: 'ai',
    dependencies: ['openai[aiohttp]>=2.8,<4', 'aiohttp>=3.11,<4', 'uvloop>=0.21,<1'],
    tracingDependencies: [
      'opentelemetry-instrumentation-openai-v2>=2.0b0,<3',
      'opentelemetry-instrumentation-aiohttp-client>=0.51b0,<1',
    ],
    env: [
      {
        name: 'OPENAI_API_KEY',
        description: 'API key of the OpenAI-compatible service',
        example: '',
        required: true,
        secret: true,
      },
      {
        name: 'OPENAI_BASE_URL',
        description: 'Base URL of the OpenAI-compatible API',
        example: 'https://api.openai.com/v1',
        required: false,
      },
      { name: 'MODEL_NAME', description: 'Model to ask', example: 'gpt-4o-mini', required: false },
      { name: 'OUTPUT_TOPIC', description: 'Topic the results are produced to', example: '', required: true },
      {
        name: 'AI_TIMEOUT_S',
        description:
          'Request timeout in seconds; MAX_ATTEMPTS x this must stay well under 300 (max.poll.interval.ms), or Kafka takes the partition away mid-message',
        example: '45',
        required: false,
      },
      {
        name: 'SYSTEM_PROMPT',
        description: 'System prompt sent with every message',
        example: 'You are a helpful assistant.',
        required: false,
      },
      {
        name: 'MAX_IN_FLIGHT',
        description: 'Model requests in flight at once; keep it under the concurrency or rate limit of the model API',
        example: '128',
        required: false,
      },
    ],
    samplePayload: { id: 'doc-1', text: 'Summarise: Kafka is a distributed log.' },
  },
];

export const KIND_NAMES = KINDS.map((kind) => kind.name);

export function findKind(name: string): Kind | undefined {
  return KINDS.find((kind) => kind.name === name);
}
