// The kernel's declared topics (topics.toml beside main.py), as list, contracts and test-run read them. The runtime
// reads the same file with tomllib (kernel_runtime/topic_declaration.py); this reads the part of TOML the file needs:
// tables, comments, integers and strings. Roles, keys and cleanup policies come from the shared facts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEANUP_POLICIES, KAFKA_NAME, TOPIC_DECLARATION, type TopicRole } from '../facts.js';

export interface DeclaredTopic {
  /** The name deployments set (DLQ_TOPIC, OUTPUT_TOPIC); the kernel's settings decide at run time. */
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  retentionMs?: number;
  cleanupPolicy?: string;
}

export type TopicDeclaration = Partial<Record<TopicRole, DeclaredTopic>>;

/** null: the kernel has no topics.toml (made before it existed); `problem`: it does not parse, in one line. */
export type DeclarationRead = { declaration: TopicDeclaration } | { problem: string } | null;

export function readTopicDeclaration(dir: string): DeclarationRead {
  let text: string;
  try {
    text = readFileSync(join(dir, TOPIC_DECLARATION.file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: `${TOPIC_DECLARATION.file}: cannot be read (${(error as Error).message})` };
  }
  try {
    return { declaration: parseTopicDeclaration(text) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** The declared topic of a role, or undefined: no file, no table, or a file that does not parse. */
export function declaredTopicOf(dir: string, role: TopicRole): DeclaredTopic | undefined {
  const read = readTopicDeclaration(dir);
  return read !== null && 'declaration' in read ? read.declaration[role] : undefined;
}

type Value = number | string | boolean;

export function parseTopicDeclaration(text: string): TopicDeclaration {
  const file = TOPIC_DECLARATION.file;
  const tables = new Map<string, Map<string, Value>>();
  let current: Map<string, Value> | undefined;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = stripComment(raw).trim();
    if (line === '') continue;
    const fail = (why: string): never => {
      throw new Error(`${file} does not parse: ${why} (at line ${index + 1})`);
    };
    const table = /^\[\s*([A-Za-z0-9_-]+)\s*\]$/.exec(line);
    if (table) {
      const name = table[1] as string;
      if (tables.has(name)) fail(`table [${name}] appears twice`);
      current = new Map();
      tables.set(name, current);
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) return fail(`expected [table] or key = value, got ${JSON.stringify(line)}`);
    const key = pair[1] as string;
    const rawValue = pair[2] as string;
    const value = parseValue(rawValue) ?? fail(`${key} has a value this file does not use: ${rawValue}`);
    if (!current) fail(`${key} = ... outside a table`);
    else if (current.has(key)) fail(`${key} appears twice`);
    else current.set(key, value);
  }
  const declaration: TopicDeclaration = {};
  for (const [role, entries] of tables) {
    if (!(role in TOPIC_DECLARATION.roles))
      throw new Error(
        `${file}: unknown table [${role}] (the tables are ${Object.keys(TOPIC_DECLARATION.roles).join(', ')})`,
      );
    declaration[role as TopicRole] = declaredTopic(`${file} [${role}]`, entries);
  }
  return declaration;
}

function declaredTopic(where: string, entries: Map<string, Value>): DeclaredTopic {
  for (const key of entries.keys())
    if (!TOPIC_DECLARATION.keys.includes(key))
      throw new Error(`${where}: unknown key '${key}' (the keys are ${TOPIC_DECLARATION.keys.join(', ')})`);
  const count = (key: string, minimum: number): number | undefined => {
    const value = entries.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || value < minimum)
      throw new Error(`${where}: ${key} must be an integer >= ${minimum} (got ${JSON.stringify(value)})`);
    return value;
  };
  const declared: DeclaredTopic = {};
  const topic = entries.get('topic');
  if (topic !== undefined) {
    if (
      typeof topic !== 'string' ||
      topic.length > KAFKA_NAME.maxLength ||
      !KAFKA_NAME.pattern.test(topic) ||
      KAFKA_NAME.reserved.includes(topic)
    )
      throw new Error(`${where}: topic must be a Kafka topic name (got ${JSON.stringify(topic)})`);
    declared.topic = topic;
  }
  const partitions = count('partitions', 1);
  if (partitions !== undefined) declared.partitions = partitions;
  const replicationFactor = count('replication_factor', 1);
  if (replicationFactor !== undefined) declared.replicationFactor = replicationFactor;
  const retentionMs = count('retention_ms', -1);
  if (retentionMs !== undefined) declared.retentionMs = retentionMs;
  const policy = entries.get('cleanup_policy');
  if (policy !== undefined) {
    const normalized = typeof policy === 'string' ? normalizePolicy(policy) : '';
    if (!CLEANUP_POLICIES.includes(normalized))
      throw new Error(
        `${where}: cleanup_policy must be one of ${CLEANUP_POLICIES.map((p) => `'${p}'`).join(', ')} (got ${JSON.stringify(policy)})`,
      );
    declared.cleanupPolicy = normalized;
  }
  return declared;
}

/** `delete, compact` and `compact,delete` are one policy. */
export function normalizePolicy(policy: string): string {
  return policy
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .sort()
    .join(',');
}

function parseValue(raw: string): Value | undefined {
  if (/^[+-]?\d+(_\d+)*$/.test(raw)) {
    const number = Number(raw.replace(/_/g, ''));
    return Number.isSafeInteger(number) ? number : undefined;
  }
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const basic = /^"((?:[^"\\]|\\["\\])*)"$/.exec(raw);
  if (basic) return (basic[1] as string).replace(/\\(["\\])/g, '$1');
  const literal = /^'([^']*)'$/.exec(raw);
  return literal ? literal[1] : undefined;
}

/** The line without its comment: a `#` outside a string. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote === '"' && char === '\\') i++;
    else if (quote !== null && char === quote) quote = null;
    else if (quote === null && (char === '"' || char === "'")) quote = char;
    else if (quote === null && char === '#') return line.slice(0, i);
  }
  return line;
}
