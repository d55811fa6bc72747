// --python-index and update's --set python-index=: the URL a kernel takes clustera-kernel-runtime from, checked like
// every other input; credentials in it are refused without ever being repeated.
import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/create/answers-file.js';
import type { GivenInputs } from '../../src/create/answers.js';
import { resolveCreateInputs } from '../../src/create/resolve-inputs.js';
import { validatePythonIndex } from '../../src/create/validate.js';
import { UsageError } from '../../src/errors.js';
import { recordedAnswers, resolveAnswers } from '../../src/update/load-kernel.js';

const INDEX = 'https://pypi.example.test/simple/';
const RECORDED = { name: 'orders-sink', topic: 'orders', kind: 'basic', group: 'orders-sink-group' };

describe('validatePythonIndex', () => {
  it.each([
    INDEX,
    'http://pypi.example.test/simple',
    'HTTPS://pypi.example.test/simple/',
    'https://pypi.example.test:8443/api/pypi/clustera/simple/',
    'http://127.0.0.1:3141/root/dev/+simple/',
    'http://[::1]:8080/simple/',
    'https://pypi.example.test/path/with@sign/simple/',
  ])('takes %s', (url) => {
    expect(validatePythonIndex(url)).toBeUndefined();
  });

  it.each([
    ['', /must be an absolute http:\/\/ or https:\/\/ URL/],
    ['pypi.example.test/simple/', /must be an absolute http:\/\/ or https:\/\/ URL/],
    ['/srv/simple/', /must be an absolute/],
    ['file:///srv/simple/', /must be an absolute/],
    ['ftp://pypi.example.test/simple/', /must be an absolute/],
    ['https:pypi.example.test/simple/', /must be an absolute/],
    ['https:///simple/', /must be an absolute/],
    ['https://', /must be an absolute/],
    ['https://pypi.example.test:99999/simple/', /must be an absolute/],
    ['https://pypi.example.test/simple/ ', /whitespace or control characters/],
    ['https://pypi.example.test/my index/', /whitespace or control characters/],
    ['https://pypi.example.test/simple/\n[tool.uv]', /whitespace or control characters/],
    ['https://pypi.example.test/\u0000/', /whitespace or control characters/],
    ['https://pypi.example.test/\u00a0/', /whitespace or control characters/],
    ['https://pypi.example.test/"simple"/', /may not contain quotes or backslashes/],
    ["https://pypi.example.test/'simple'/", /may not contain quotes or backslashes/],
    ['https://pypi.example.test/`id`/', /may not contain quotes or backslashes/],
    ['https://pypi.example.test\\simple\\', /may not contain quotes or backslashes/],
    ['https://pypi.example.test/simple/?token=abc', /may not have a query or a fragment/],
    ['https://pypi.example.test/simple/#top', /may not have a query or a fragment/],
    [`https://pypi.example.test/${'a'.repeat(2048)}`, /at most 2048 characters/],
  ])('refuses %j in one sentence', (url, problem) => {
    const message = validatePythonIndex(url);
    expect(message).toMatch(problem);
    expect(message).not.toContain('\n');
  });

  it.each([
    'https://deploy:s3cret-Pa55@pypi.example.test/simple/',
    'https://deploy@pypi.example.test/simple/',
    'https://:s3cret-Pa55@pypi.example.test/simple/',
    'http://deploy:s3cret-Pa55@127.0.0.1:3141/simple/',
    'ftp://deploy:s3cret-Pa55@pypi.example.test/simple/',
    'deploy:s3cret-Pa55@pypi.example.test/simple/',
    'https://deploy:s3cret Pa55@pypi.example.test/simple/',
  ])('refuses credentials in %s, naming uv’s variables and never the secret', (url) => {
    const message = validatePythonIndex(url);
    expect(message).toBe(
      'The package index URL must not carry credentials (user:password@); give it without them and set UV_INDEX_CLUSTERA_USERNAME and UV_INDEX_CLUSTERA_PASSWORD in the environment instead.',
    );
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('deploy');
  });
});

describe('create --python-index', () => {
  const create = (flags: Record<string, string>, file: GivenInputs = {}) =>
    resolveCreateInputs('orders-sink', { kind: 'basic', yes: true, force: true, ...flags }, file, undefined);

  it('records the index among the answers, from the flag or the answers file, the flag winning', async () => {
    expect((await create({ pythonIndex: INDEX })).answers.pythonIndex).toBe(INDEX);
    const fromFile = parseAnswers({ pythonIndex: 'https://file.example.test/simple/' }, 'a.json');
    expect((await create({}, fromFile)).answers.pythonIndex).toBe('https://file.example.test/simple/');
    expect((await create({ pythonIndex: INDEX }, fromFile)).answers.pythonIndex).toBe(INDEX);
  });

  it('records none when absent or empty', async () => {
    expect((await create({})).answers).not.toHaveProperty('pythonIndex');
    expect((await create({ pythonIndex: '' })).answers).not.toHaveProperty('pythonIndex');
  });

  it('refuses a bad URL with a UsageError before anything else is resolved', async () => {
    await expect(create({ pythonIndex: 'https://u:p@pypi.example.test/simple/' })).rejects.toThrow(UsageError);
    await expect(create({ pythonIndex: 'pypi.example.test', name: 'Not A Name' })).rejects.toThrow(/package index URL/);
  });

  it('is a string in an answers file', () => {
    expect(() => parseAnswers({ pythonIndex: true }, 'a.json')).toThrow(
      '"pythonIndex" in the answers file must be a string.',
    );
  });
});

describe('update --set python-index=', () => {
  it('keeps a kernel without an index valid', () => {
    expect(resolveAnswers(RECORDED)).toEqual(RECORDED);
    expect(recordedAnswers(RECORDED)).toEqual(RECORDED);
  });

  it('sets the index, and an empty value removes it again', () => {
    const set = resolveAnswers(RECORDED, [`python-index=${INDEX}`]);
    expect(set).toEqual({ ...RECORDED, pythonIndex: INDEX });
    const removed = resolveAnswers({ ...RECORDED, pythonIndex: INDEX }, ['python-index=']);
    expect(removed).toEqual(RECORDED);
    expect(removed).not.toHaveProperty('pythonIndex');
    expect(resolveAnswers(RECORDED, ['python-index='])).toEqual(RECORDED);
  });

  it('checks a set or recorded index like create', () => {
    expect(() => resolveAnswers(RECORDED, ['python-index=https://u:p@pypi.example.test/simple/'])).toThrow(
      /must not carry credentials/,
    );
    expect(() => resolveAnswers(RECORDED, ['python-index=pypi.example.test'])).toThrow(/must be an absolute/);
    expect(() => resolveAnswers({ ...RECORDED, pythonIndex: 'https://x/"' })).toThrow(UsageError);
    expect(recordedAnswers({ ...RECORDED, pythonIndex: 'not a url' })).toBeUndefined();
  });

  it('names python-index among the keys it takes, and still needs the required answers', () => {
    expect(() => resolveAnswers(RECORDED, ['pythonIndex=x'])).toThrow(
      '--set "pythonIndex=x" must be key=value with key one of name, topic, kind, group, python-index, or schema=<file>.',
    );
    const { group: _group, ...noGroup } = RECORDED;
    expect(() => resolveAnswers(noGroup, [`python-index=${INDEX}`])).toThrow(
      'The manifest records no group; pass --set group=<value>.',
    );
    expect(() => resolveAnswers(RECORDED, ['name='])).toThrow(/Kernel name "" must be/);
  });
});
