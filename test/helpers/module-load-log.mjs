// Preloaded with `node --import` by the lazy-loading test: appends the URL of every module Node loads to
// $CCK_MODULE_LOG, ES modules through a loader hook and CommonJS files through the require machinery.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const logFile = process.env.CCK_MODULE_LOG;

const hooks = `
import { appendFileSync } from 'node:fs';
let logFile;
export function initialize(data) { logFile = data.logFile; }
export async function load(url, context, nextLoad) {
  appendFileSync(logFile, url + '\\n');
  return nextLoad(url, context);
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { logFile } });

// require() of a file: logged as a file URL, like the ES modules; built-ins are left out.
const load = Module._load;
Module._load = function logged(request, parent, isMain) {
  const filename = Module._resolveFilename(request, parent, isMain);
  if (filename.startsWith('/')) appendFileSync(logFile, `${pathToFileURL(filename).href}\n`);
  return load.call(this, request, parent, isMain);
};
