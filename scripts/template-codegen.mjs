// Build-time compiler from a Handlebars template to one plain JavaScript function (context → text), for the subset the
// kernel templates use: content, {{path}}, {{json path}}, {{#if path}}…{{else}}…{{/if}} and {{#each path}}…{{/each}},
// with plan.ts's options (noEscape, strict). A scaffold then runs small functions instead of the Handlebars runtime.
// Anything else returns undefined and the template keeps Handlebars' own precompiled form.
import Handlebars from 'handlebars';

class Unsupported extends Error {}

// Helpers shared by every generated function; `strict` throws as Handlebars' strict mode does for a missing field.
export const RENDER_HELPERS = `
function strict(object, name, line) {
  if (object == null || !(name in Object(object))) throw new Error('"' + name + '" not defined in ' + object + ' - ' + line);
  return object[name];
}
function loose(object, name) {
  return object == null ? undefined : object[name];
}
function text(value) {
  return value == null ? '' : String(value);
}
function truthy(value) {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
function items(value) {
  if (Array.isArray(value)) return value;
  return value != null && typeof value === 'object' ? Object.values(value) : [];
}`;

/** JavaScript source of `function (context) { … }`, or undefined when the template uses more than the subset. */
export function templateToFunction(source) {
  try {
    let counter = 0;
    const fresh = () => `v${(counter += 1)}`;
    const body = program(Handlebars.parse(source), 'context', fresh);
    return `function (context) {\n  let out = '';\n${body}  return out;\n}`;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function program(node, scope, fresh) {
  return node.body.map((statement) => statementCode(statement, scope, fresh)).join('');
}

function statementCode(node, scope, fresh) {
  switch (node.type) {
    case 'ContentStatement':
      return node.value === '' ? '' : `  out += ${JSON.stringify(node.value)};\n`;
    case 'CommentStatement':
      return '';
    case 'MustacheStatement':
      return `  out += text(${mustacheValue(node, scope)});\n`;
    case 'BlockStatement':
      return blockCode(node, scope, fresh);
    default:
      throw new Unsupported(node.type);
  }
}

function mustacheValue(node, scope) {
  if (node.hash || node.path.type !== 'PathExpression') throw new Unsupported('hash or literal');
  if (node.params.length === 0) return pathValue(node.path, scope, true);
  if (node.path.original === 'json' && node.params.length === 1) return `JSON.stringify(${pathValue(node.params[0], scope, false)})`;
  throw new Unsupported(node.path.original);
}

function blockCode(node, scope, fresh) {
  if (node.hash || node.params.length !== 1 || node.path.type !== 'PathExpression' || node.program.blockParams) throw new Unsupported('block form');
  const value = pathValue(node.params[0], scope, false);
  const inverse = node.inverse ? program(node.inverse, scope, fresh) : '';
  if (node.path.original === 'if') {
    return `  if (truthy(${value})) {\n${program(node.program, scope, fresh)}  } else {\n${inverse}  }\n`;
  }
  if (node.path.original === 'each') {
    const list = fresh();
    const item = fresh();
    return `  const ${list} = items(${value});\n  for (const ${item} of ${list}) {\n${program(node.program, item, fresh)}  }\n  if (${list}.length === 0) {\n${inverse}  }\n`;
  }
  throw new Unsupported(node.path.original);
}

// A path in the current scope; `this` is the scope itself. A mustache's last name is strict, as in Handlebars.
function pathValue(path, scope, strictLast) {
  if (path.type !== 'PathExpression' || path.data || path.depth > 0) throw new Unsupported('path form');
  const line = `${path.loc.start.line}:${path.loc.start.column}`;
  return path.parts.reduce((object, name, index) => {
    const last = index === path.parts.length - 1;
    return last && strictLast ? `strict(${object}, ${JSON.stringify(name)}, ${JSON.stringify(line)})` : `loose(${object}, ${JSON.stringify(name)})`;
  }, scope);
}
