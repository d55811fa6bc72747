// Build-time compiler from a Handlebars template to one plain JavaScript function (context → text), for the subset the
// kernel templates use: content, {{path}}, helper calls {{helper path…}}, {{#if path}}…{{else}}…{{/if}},
// {{#each path}}…{{/each}} and partials {{> name}}, with the options of src/render/template-language.js. A scaffold
// then runs small functions instead of the Handlebars runtime. Anything else is a TemplateCompileError.
import Handlebars from 'handlebars';
import { TEMPLATE_HELPERS } from '../src/render/template-language.js';

export class TemplateCompileError extends Error {}

// What every generated function calls: `strict` throws as Handlebars' strict mode does for a missing field,
// `indented` indents a standalone partial as Handlebars does, `helpers` are the template helpers' own source.
export const RENDER_RUNTIME = `
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
}
function indented(indent, rendered) {
  const lines = rendered.split('\\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '' && i === lines.length - 1) break;
    lines[i] = indent + lines[i];
  }
  return lines.join('\\n');
}
const helpers = {
${Object.entries(TEMPLATE_HELPERS)
  .map(([name, helper]) => `  ${JSON.stringify(name)}: ${String(helper)},`)
  .join('\n')}
};`;

/**
 * JavaScript source of `function (context) { … }` for `source`, and the names of the partials it uses (its own and
 * theirs). `partials` maps a partial's name to its source.
 */
export function compileTemplate(source, partials = new Map()) {
  let counter = 0;
  const compiler = {
    fresh: () => {
      counter += 1;
      return `v${counter}`;
    },
    partials,
    used: new Set(),
    including: [],
  };
  const body = program(Handlebars.parse(source), 'context', compiler);
  return {
    code: `function (context) {\n  let out = '';\n${body}  return out;\n}`,
    partials: [...compiler.used].sort(),
  };
}

function program(node, scope, compiler) {
  return node.body.map((statement) => statementCode(statement, scope, compiler)).join('');
}

function statementCode(node, scope, compiler) {
  switch (node.type) {
    case 'ContentStatement':
      return node.value === '' ? '' : `  out += ${JSON.stringify(node.value)};\n`;
    case 'CommentStatement':
      return '';
    case 'MustacheStatement':
      return `  out += text(${mustacheValue(node, scope)});\n`;
    case 'BlockStatement':
      return blockCode(node, scope, compiler);
    case 'PartialStatement':
      return partialCode(node, scope, compiler);
    default:
      throw unsupported(`a ${node.type}`, node);
  }
}

function mustacheValue(node, scope) {
  if (node.path.type !== 'PathExpression') throw unsupported('a literal', node);
  if (node.hash) throw unsupported('hash arguments', node);
  const name = node.path.original;
  // As in Handlebars, a simple name is a helper before it is a field.
  const isSimpleName =
    node.path.parts.length === 1 && node.path.depth === 0 && !node.path.data && name === node.path.parts[0];
  if (isSimpleName && Object.hasOwn(TEMPLATE_HELPERS, name)) {
    const helper = TEMPLATE_HELPERS[name];
    if (node.params.length !== helper.length) {
      throw new TemplateCompileError(
        `helper ${name} takes ${helper.length} parameter(s), got ${node.params.length} ${at(node)}`,
      );
    }
    const params = node.params.map((param) => pathValue(param, scope, false));
    return `helpers[${JSON.stringify(name)}](${params.join(', ')})`;
  }
  if (node.params.length > 0) throw new TemplateCompileError(`unknown helper ${name} ${at(node)}`);
  return pathValue(node.path, scope, true);
}

function blockCode(node, scope, compiler) {
  const name = node.path.original;
  if (name !== 'if' && name !== 'each')
    throw unsupported(`the block {{#${name}}} (only #if and #each are known)`, node);
  if (node.hash || node.params.length !== 1 || node.program.blockParams)
    throw unsupported(`this form of {{#${name}}}`, node);
  const value = pathValue(node.params[0], scope, false);
  const inverse = node.inverse ? program(node.inverse, scope, compiler) : '';
  if (name === 'if') {
    return `  if (truthy(${value})) {\n${program(node.program, scope, compiler)}  } else {\n${inverse}  }\n`;
  }
  const list = compiler.fresh();
  const item = compiler.fresh();
  return `  const ${list} = items(${value});\n  for (const ${item} of ${list}) {\n${program(node.program, item, compiler)}  }\n  if (${list}.length === 0) {\n${inverse}  }\n`;
}

// The partial's own code runs in a function of its own on the current scope, indented when it stands on its own line.
function partialCode(node, scope, compiler) {
  if (node.name.type !== 'PathExpression' || node.params.length > 0 || node.hash)
    throw unsupported('this form of partial', node);
  const name = node.name.original;
  const source = compiler.partials.get(name);
  if (source === undefined) throw new TemplateCompileError(`unknown partial ${name} ${at(node)}`);
  if (compiler.including.includes(name)) throw new TemplateCompileError(`partial ${name} includes itself ${at(node)}`);
  compiler.used.add(name);
  compiler.including.push(name);
  let body;
  try {
    body = program(Handlebars.parse(source), 'context', compiler);
  } catch (error) {
    error.message += ` in partial ${name}`;
    throw error;
  } finally {
    compiler.including.pop();
  }
  const rendered = `(function (context) {\n  let out = '';\n${body}  return out;\n})(${scope})`;
  return `  out += ${node.indent ? `indented(${JSON.stringify(node.indent)}, ${rendered})` : rendered};\n`;
}

// A path in the current scope; `this` is the scope itself. A mustache's last name is strict, as in Handlebars.
function pathValue(path, scope, strictLast) {
  if (path.type !== 'PathExpression' || path.data || path.depth > 0)
    throw unsupported(`the parameter ${path.original ?? path.type}`, path);
  const line = `${path.loc.start.line}:${path.loc.start.column}`;
  return path.parts.reduce((object, name, index) => {
    const last = index === path.parts.length - 1;
    return last && strictLast
      ? `strict(${object}, ${JSON.stringify(name)}, ${JSON.stringify(line)})`
      : `loose(${object}, ${JSON.stringify(name)})`;
  }, scope);
}

function unsupported(what, node) {
  return new TemplateCompileError(`the template compiler does not handle ${what} ${at(node)}`);
}

function at(node) {
  return `(line ${node.loc.start.line}, column ${node.loc.start.column})`;
}
