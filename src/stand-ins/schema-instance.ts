// The stand-in model's structured answers: the simplest JSON value a JSON Schema accepts, carrying the echoed text.

type Schema = Record<string, unknown>;

const FORMATTED: Record<string, string> = {
  'date-time': '2000-01-01T00:00:00Z',
  date: '2000-01-01',
  time: '00:00:00Z',
  uuid: '00000000-0000-4000-8000-000000000000',
  email: 'echo@example.com',
  uri: 'https://example.com/',
};

/** A value `schema` accepts: required properties only, minimal arrays, the lowest allowed numbers; strings echo `text`. */
export function schemaInstance(schema: unknown, text: string, root: unknown = schema): unknown {
  const node = (schema && typeof schema === 'object' ? schema : {}) as Schema;
  if (typeof node.$ref === 'string') return schemaInstance(resolveRef(root, node.$ref), text, root);
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  // Optional fields come as anyOf [type, null] from pydantic: the typed branch shows the schema is understood.
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = node[key];
    if (Array.isArray(options) && options.length > 0) {
      const chosen = options.find((option) => (option as Schema)?.type !== 'null') ?? options[0];
      return schemaInstance(chosen, text, root);
    }
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const type = types.find((t) => t !== 'null') ?? (node.properties ? 'object' : types[0]);
  switch (type) {
    case 'object':
      return objectInstance(node, text, root);
    case 'array':
      return Array.from({ length: Number(node.minItems ?? 0) }, () => schemaInstance(node.items, text, root));
    case 'string':
      return stringInstance(node, text);
    case 'integer':
      return Math.ceil(lowestNumber(node, 1));
    case 'number':
      return lowestNumber(node, 0.5);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function objectInstance(node: Schema, text: string, root: unknown): Record<string, unknown> {
  const properties = (node.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(node.required) ? (node.required as string[]) : [];
  return Object.fromEntries(required.map((name) => [name, schemaInstance(properties[name], text, root)]));
}

function stringInstance(node: Schema, text: string): string {
  const format = typeof node.format === 'string' ? FORMATTED[node.format] : undefined;
  if (format !== undefined) return format;
  const min = Number(node.minLength ?? 0);
  const max = Number(node.maxLength ?? Number.POSITIVE_INFINITY);
  return `echo: ${text}`.slice(0, max).padEnd(min, '.');
}

/** The minimum, or just above an exclusive one (by `step`, or halfway to the upper bound when that is closer). */
function lowestNumber(node: Schema, step: number): number {
  const upper = [node.maximum, node.exclusiveMaximum].find((bound): bound is number => typeof bound === 'number');
  const fits = (value: number) =>
    (typeof node.maximum !== 'number' || value <= node.maximum) &&
    (typeof node.exclusiveMaximum !== 'number' || value < node.exclusiveMaximum);
  if (typeof node.minimum === 'number') return node.minimum;
  if (typeof node.exclusiveMinimum === 'number') {
    const above = node.exclusiveMinimum + step;
    return fits(above) || upper === undefined ? above : (node.exclusiveMinimum + upper) / 2;
  }
  return fits(0) || upper === undefined ? 0 : upper - step;
}

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return {};
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Schema)[part] : undefined), root);
}
