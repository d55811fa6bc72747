// Preloaded with `node --import` by the lazy-loading test: appends the URL of every ES module Node loads to $CCK_MODULE_LOG.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
let logFile;
export function initialize(data) { logFile = data.logFile; }
export async function load(url, context, nextLoad) {
  appendFileSync(logFile, url + '\\n');
  return nextLoad(url, context);
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { logFile: process.env.CCK_MODULE_LOG } });
