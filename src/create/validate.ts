// Strict checks of every value that flows into generated Python, TOML, YAML, JSON, Dockerfile and Markdown.
// Each returns undefined when the value is good, otherwise one sentence saying what is wrong and how to fix it.
import { KAFKA_NAME, KERNEL_NAME } from '../facts.js';
import { KIND_NAMES } from '../kinds.js';

export const NAME_MIN = KERNEL_NAME.minLength;
export const NAME_MAX = KERNEL_NAME.maxLength;
export const KAFKA_NAME_MAX = KAFKA_NAME.maxLength;

/** Shows a hostile value safely inside an error message (no raw newlines or control characters). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

export function validateName(value: string): string | undefined {
  if (value.length < NAME_MIN || value.length > NAME_MAX) {
    return `Kernel name ${quote(value)} must be ${NAME_MIN}-${NAME_MAX} characters long.`;
  }
  if (!KERNEL_NAME.pattern.test(value)) {
    return `Kernel name ${quote(value)} must be lowercase kebab-case: a letter, then letters, digits and single dashes (e.g. "orders-sink").`;
  }
  return undefined;
}

function validateKafkaName(what: string, value: string): string | undefined {
  if (value.length === 0 || value.length > KAFKA_NAME_MAX) {
    return `${what} ${quote(value)} must be 1-${KAFKA_NAME_MAX} characters long.`;
  }
  if (KAFKA_NAME.reserved.includes(value)) return `${what} cannot be ${KAFKA_NAME.reserved.map(quote).join(' or ')}.`;
  if (!KAFKA_NAME.pattern.test(value)) {
    return `${what} ${quote(value)} may contain only ASCII letters, digits, ".", "_" and "-".`;
  }
  return undefined;
}

export function validateTopic(value: string): string | undefined {
  return validateKafkaName('Topic', value);
}

export function validateGroup(value: string): string | undefined {
  return validateKafkaName('Consumer group', value);
}

/** Kafka maps "." and "_" to the same metric name, so topics mixing them can collide. */
export function topicWarning(value: string): string | undefined {
  if (value.includes('.') && value.includes('_')) {
    return `Topic ${quote(value)} mixes "." and "_"; Kafka's metric names treat them alike, so it may collide with another topic.`;
  }
  return undefined;
}

export function validateKind(value: string): string | undefined {
  if ((KIND_NAMES as string[]).includes(value)) return undefined;
  return `Kind ${quote(value)} is not one of ${KIND_NAMES.join(', ')}.`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function validateDirectory(value: string): string | undefined {
  if (value.trim().length === 0) return 'The target directory cannot be empty.';
  if (CONTROL_CHARACTERS.test(value)) return `Directory ${quote(value)} contains control characters.`;
  return undefined;
}

export const PYTHON_INDEX_MAX = 2048;
// Quotes would end the TOML string or the README's code span; a backslash is no URL character.
const URL_UNSAFE = /["'`\\]/;

/**
 * The package index a kernel takes clustera-kernel-runtime from: an absolute http(s) URL that goes into pyproject.toml
 * and the kernel's README as typed, so it carries nothing that could break out of them, and never a secret.
 */
export function validatePythonIndex(value: string): string | undefined {
  // Credentials are never echoed back: the value is only quoted once it is known to hold none.
  const authority = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@')) {
    return 'The package index URL must not carry credentials (user:password@); give it without them and set UV_INDEX_CLUSTERA_USERNAME and UV_INDEX_CLUSTERA_PASSWORD in the environment instead.';
  }
  if (value.length > PYTHON_INDEX_MAX)
    return `The package index URL must be at most ${PYTHON_INDEX_MAX} characters long.`;
  if (/\s/.test(value) || CONTROL_CHARACTERS.test(value)) {
    return `The package index URL ${quote(value)} contains whitespace or control characters.`;
  }
  if (URL_UNSAFE.test(value)) return `The package index URL ${quote(value)} may not contain quotes or backslashes.`;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!/^https?:\/\/[^/?#]/i.test(value) || url === undefined || url.hostname === '') {
    return `The package index URL ${quote(value)} must be an absolute http:// or https:// URL (e.g. "https://packages.example.com/simple/").`;
  }
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    return `The package index URL ${quote(value)} may not have a query or a fragment: uv adds the package's name to its path.`;
  }
  return undefined;
}
