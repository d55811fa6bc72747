// The one table of test-run's flags: commander's options, --help and the flags' types are built from it, and a test
// holds the README's test-run table to it.
import type { FlagValues } from '../create/create-flags.js';

export interface TestRunFlag {
  /** The long name as typed, without dashes: `keep-topic`. */
  name: string;
  type: 'string' | 'boolean';
  /** What a string flag's value looks like in help (default: `<name>`). */
  placeholder?: string;
  description: string;
  /** The value when the flag is absent, shown in help. */
  default?: string;
}

export const DEFAULT_MESSAGES = 100;
export const DEFAULT_TIMEOUT_S = 120;

export const TEST_RUN_FLAGS = [
  {
    name: 'bootstrap-server',
    type: 'string',
    placeholder: '<host:port>',
    description: 'Kafka broker (default: KAFKA_BOOTSTRAP_SERVERS from the environment, then .env, else a local one)',
  },
  {
    name: 'messages',
    type: 'string',
    placeholder: '<n>',
    description: 'how many sample messages to produce',
    default: String(DEFAULT_MESSAGES),
  },
  {
    name: 'timeout',
    type: 'string',
    placeholder: '<seconds>',
    description: 'give up when not every message is committed by then',
    default: String(DEFAULT_TIMEOUT_S),
  },
  {
    name: 'topic',
    type: 'string',
    description: 'produce to this topic instead of an isolated <topic>.testrun.<id>',
  },
  { name: 'keep-topic', type: 'boolean', description: 'keep the test topics afterwards' },
  {
    name: 'local',
    type: 'boolean',
    description: "ignore .env: local stand-ins for the kind's services, a local broker unless --bootstrap-server",
  },
  {
    name: 'outage',
    type: 'string',
    placeholder: '<seconds>',
    description:
      "take the kind's local stand-in down for <seconds> once the kernel is ready, as the messages arrive (PostgreSQL stopped, the API and model answer 503) and check the kernel's circuit opens and closes with nothing dead-lettered",
  },
  {
    name: 'invalid',
    type: 'string',
    placeholder: '<n>',
    description:
      "a kernel with a schema: also produce <n> values that break it in different ways, and check exactly those are dead-lettered with the schema's reason",
  },
  { name: 'json', type: 'boolean', description: 'print one JSON object with the result on stdout' },
  { name: 'debug', type: 'boolean', description: 'print stack traces' },
] as const satisfies readonly TestRunFlag[];

/** Every test-run flag as commander hands it over: `--keep-topic` as `keepTopic`, values as typed. */
export type TestRunFlags = FlagValues<(typeof TEST_RUN_FLAGS)[number]>;
