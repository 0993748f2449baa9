import { inspect } from 'node:util';
import { ScimConfigError, loadScimConfig, type ScimEnv } from '../../src/scim/config';

const TOKEN = 'tok-abc.123_XYZ';
const noFile = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};
const load = (env: ScimEnv, readFile: (path: string) => string = noFile) => loadScimConfig(env, readFile);

function errorOf(fn: () => unknown): ScimConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimConfigError) return err;
    throw err;
  }
  throw new Error('expected a ScimConfigError');
}

describe('loadScimConfig', () => {
  it('is off (undefined) without SCIM_BASE_URL, even with other variables set', () => {
    expect(load({})).toBeUndefined();
    expect(load({ SCIM_BASE_URL: '  ', SCIM_TOKEN: TOKEN, SCIM_CHUNK_SIZE: 'junk' })).toBeUndefined();
  });

  it('applies defaults and trims the trailing slash', () => {
    const config = load({ SCIM_BASE_URL: 'https://idp.example.com/scim/v2/', SCIM_TOKEN: TOKEN });
    expect(config).toMatchObject({ baseUrl: 'https://idp.example.com/scim/v2', chunkSize: 100, timeoutMs: 10000 });
    expect(config?.token.reveal()).toBe(TOKEN);
  });

  it('reads chunk size and timeout', () => {
    const config = load({
      SCIM_BASE_URL: 'http://127.0.0.1:8080/scim',
      SCIM_TOKEN: TOKEN,
      SCIM_CHUNK_SIZE: '25',
      SCIM_TIMEOUT_MS: '2500',
    });
    expect(config).toMatchObject({ chunkSize: 25, timeoutMs: 2500 });
  });

  it('reads the token from SCIM_TOKEN_FILE, trimming the trailing newline', () => {
    const files: Record<string, string> = { '/run/secrets/scim': `${TOKEN}\n` };
    const config = load({ SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN_FILE: '/run/secrets/scim' }, (p) => {
      const content = files[p];
      return content ?? noFile(p);
    });
    expect(config?.token.reveal()).toBe(TOKEN);
  });

  it('never prints the token when the config is logged', () => {
    const config = load({ SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN: TOKEN });
    expect(JSON.stringify(config)).not.toContain(TOKEN);
    expect(inspect(config, { depth: 5 })).not.toContain(TOKEN);
    expect(`${String(config?.token)}`).toBe('[redacted]');
  });

  it.each<[string, ScimEnv, RegExp]>([
    ['missing token', { SCIM_BASE_URL: 'https://idp.example.com' }, /SCIM_TOKEN: SCIM_TOKEN or SCIM_TOKEN_FILE/],
    [
      'both token sources',
      { SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN: TOKEN, SCIM_TOKEN_FILE: '/x' },
      /SCIM_TOKEN_FILE: set either/,
    ],
    [
      'relative URL',
      { SCIM_BASE_URL: 'idp.example.com/scim', SCIM_TOKEN: TOKEN },
      /SCIM_BASE_URL: must be an absolute/,
    ],
    ['ftp URL', { SCIM_BASE_URL: 'ftp://idp.example.com', SCIM_TOKEN: TOKEN }, /SCIM_BASE_URL: must use http or https/],
    [
      'credentials in URL',
      { SCIM_BASE_URL: 'https://u:p@idp.example.com', SCIM_TOKEN: TOKEN },
      /SCIM_BASE_URL: must not contain credentials/,
    ],
    [
      'query in URL',
      { SCIM_BASE_URL: 'https://idp.example.com/scim?tenant=1', SCIM_TOKEN: TOKEN },
      /SCIM_BASE_URL: must not contain a query/,
    ],
    [
      'non-numeric chunk size',
      { SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN: TOKEN, SCIM_CHUNK_SIZE: 'ten' },
      /SCIM_CHUNK_SIZE: must be an integer/,
    ],
    [
      'zero chunk size',
      { SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN: TOKEN, SCIM_CHUNK_SIZE: '0' },
      /SCIM_CHUNK_SIZE: must be at least 1/,
    ],
    [
      'huge timeout',
      { SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN: TOKEN, SCIM_TIMEOUT_MS: '99999999' },
      /SCIM_TIMEOUT_MS: must be at most/,
    ],
    [
      'unreadable token file',
      { SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN_FILE: '/nope' },
      /SCIM_TOKEN_FILE: cannot read \/nope \(ENOENT\)/,
    ],
  ])('names the variable for %s', (_label, env, message) => {
    expect(errorOf(() => load(env)).message).toMatch(message);
  });

  it('reports several bad variables at once', () => {
    const message = errorOf(() =>
      load({ SCIM_BASE_URL: 'nope', SCIM_TOKEN: TOKEN, SCIM_CHUNK_SIZE: 'x', SCIM_TIMEOUT_MS: '0' }),
    ).message;
    expect(message).toMatch(/SCIM_BASE_URL/);
    expect(message).toMatch(/SCIM_CHUNK_SIZE/);
    expect(message).toMatch(/SCIM_TIMEOUT_MS/);
  });

  it('rejects a token with spaces or line breaks without echoing it', () => {
    const bad = 'abc def\nghi';
    const message = errorOf(() => load({ SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN: bad })).message;
    expect(message).toMatch(/SCIM_TOKEN: the token must be printable ASCII/);
    expect(message).not.toContain('abc');

    const fromFile = errorOf(() =>
      load({ SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN_FILE: '/t' }, () => `${bad}\n`),
    ).message;
    expect(fromFile).toMatch(/SCIM_TOKEN_FILE: the token must be printable ASCII/);
    expect(fromFile).not.toContain('abc');
  });

  it('rejects an empty token file', () => {
    expect(
      errorOf(() => load({ SCIM_BASE_URL: 'https://idp.example.com', SCIM_TOKEN_FILE: '/t' }, () => '\n')).message,
    ).toMatch(/SCIM_TOKEN_FILE: the token is empty/);
  });
});
