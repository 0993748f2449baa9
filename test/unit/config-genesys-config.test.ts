import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config/config-error';
import { describeGenesysEndpoint, loadGenesysConfig } from '../../src/config/genesys-config';

const SECRET = 's3cr3t-value-never-printed';

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadGenesysConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadGenesysConfig', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'gcsync-cfg-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a region setup', () => {
    const config = loadGenesysConfig({
      GENESYS_REGION: 'eu_west_1',
      GENESYS_CLIENT_ID: 'abc',
      GENESYS_CLIENT_SECRET: SECRET,
    });
    expect(config).toEqual({
      endpoint: { kind: 'region', region: 'eu_west_1', environment: 'mypurecloud.ie' },
      clientId: 'abc',
      clientSecret: SECRET,
      clients: [{ clientId: 'abc', clientSecret: SECRET }],
    });
    expect(describeGenesysEndpoint(config)).toBe('region eu_west_1 (mypurecloud.ie)');
  });

  it('reads a gateway URL with port and path prefix', () => {
    const config = loadGenesysConfig({
      GENESYS_API_URL: 'http://127.0.0.1:8089/',
      GENESYS_CLIENT_ID: 'abc',
      GENESYS_CLIENT_SECRET: SECRET,
    });
    expect(config.endpoint).toEqual({
      kind: 'gateway',
      url: 'http://127.0.0.1:8089',
      protocol: 'http',
      host: '127.0.0.1',
      port: 8089,
    });
    expect(describeGenesysEndpoint(config)).toBe('gateway http://127.0.0.1:8089');
    const prefixed = loadGenesysConfig({
      GENESYS_API_URL: 'https://gw.example.com/genesys/',
      GENESYS_CLIENT_ID: 'abc',
      GENESYS_CLIENT_SECRET: SECRET,
    });
    expect(prefixed.endpoint).toEqual({
      kind: 'gateway',
      url: 'https://gw.example.com/genesys',
      protocol: 'https',
      host: 'gw.example.com',
      pathPrefix: 'genesys',
    });
  });

  it('reads the secret from GENESYS_CLIENT_SECRET_FILE, ignoring the trailing newline', () => {
    const file = path.join(dir, 'secret');
    writeFileSync(file, `${SECRET}\n`);
    const config = loadGenesysConfig({
      GENESYS_REGION: 'us_east_1',
      GENESYS_CLIENT_ID: 'abc',
      GENESYS_CLIENT_SECRET_FILE: file,
    });
    expect(config.clientSecret).toBe(SECRET);
  });

  it('names every missing variable at once', () => {
    const err = errorOf({});
    expect(err.issues.map((i) => i.variable)).toEqual(['GENESYS_REGION', 'GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET']);
    expect(err.message).toContain('GENESYS_REGION or GENESYS_API_URL is required');
    expect(err.message).toContain('GENESYS_CLIENT_ID is required');
    expect(err.message).toContain('GENESYS_CLIENT_SECRET or GENESYS_CLIENT_SECRET_FILE is required');
  });

  it('treats blank values as unset', () => {
    const err = errorOf({ GENESYS_REGION: '  ', GENESYS_CLIENT_ID: '', GENESYS_CLIENT_SECRET: SECRET });
    expect(err.issues.map((i) => i.variable)).toEqual(['GENESYS_REGION', 'GENESYS_CLIENT_ID']);
  });

  it('refuses both a region and a URL', () => {
    const err = errorOf({
      GENESYS_REGION: 'us_east_1',
      GENESYS_API_URL: 'http://127.0.0.1:1',
      GENESYS_CLIENT_ID: 'abc',
      GENESYS_CLIENT_SECRET: SECRET,
    });
    expect(err.message).toMatch(/GENESYS_REGION and GENESYS_API_URL are both set; set exactly one/);
  });

  it('refuses an unknown region, suggesting the underscore spelling', () => {
    const err = errorOf({ GENESYS_REGION: 'us-east-1', GENESYS_CLIENT_ID: 'abc', GENESYS_CLIENT_SECRET: SECRET });
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].variable).toBe('GENESYS_REGION');
    expect(err.issues[0].problem).toMatch(
      /is not a Genesys Cloud region \(did you mean us_east_1\?\); use one of: .*eu_west_1/,
    );
  });

  it.each([
    ['not a url', /must be an http\(s\):\/\/host\[:port\] URL/],
    ['ftp://host:21', /must use http:\/\/ or https:\/\//],
    ['http://user:pw@host:80', /must not contain credentials/],
    ['http://host:80/?x=1', /must not contain a query string/],
  ])('refuses GENESYS_API_URL=%s without echoing it', (url, problem) => {
    const err = errorOf({ GENESYS_API_URL: url, GENESYS_CLIENT_ID: 'abc', GENESYS_CLIENT_SECRET: SECRET });
    expect(err.issues).toEqual([{ variable: 'GENESYS_API_URL', problem: expect.stringMatching(problem) }]);
    expect(err.message).not.toContain(url);
  });

  it('refuses both secret sources, and an unreadable or empty secret file', () => {
    const both = errorOf({
      GENESYS_REGION: 'us_east_1',
      GENESYS_CLIENT_ID: 'abc',
      GENESYS_CLIENT_SECRET: SECRET,
      GENESYS_CLIENT_SECRET_FILE: '/x',
    });
    expect(both.message).toContain('GENESYS_CLIENT_SECRET and GENESYS_CLIENT_SECRET_FILE are both set');
    expect(both.message).not.toContain(SECRET);

    const missing = path.join(dir, 'missing');
    const unreadable = errorOf({
      GENESYS_REGION: 'us_east_1',
      GENESYS_CLIENT_ID: 'a',
      GENESYS_CLIENT_SECRET_FILE: missing,
    });
    expect(unreadable.issues).toEqual([
      { variable: 'GENESYS_CLIENT_SECRET_FILE', problem: `cannot be read: ${missing} (ENOENT)` },
    ]);

    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '\n');
    const blank = errorOf({ GENESYS_REGION: 'us_east_1', GENESYS_CLIENT_ID: 'a', GENESYS_CLIENT_SECRET_FILE: empty });
    expect(blank.message).toContain('GENESYS_CLIENT_SECRET_FILE points at an empty file');
  });

  it('never puts the secret in an error, whatever else is wrong', () => {
    const err = errorOf({ GENESYS_REGION: 'mars', GENESYS_CLIENT_SECRET: SECRET });
    expect(err.message).not.toContain(SECRET);
    expect(JSON.stringify(err.issues)).not.toContain(SECRET);
  });

  describe('GENESYS_CLIENTS_FILE (token pool)', () => {
    it('adds the listed clients after GENESYS_CLIENT_ID, secrets from files (relative to the list) and env', () => {
      writeFileSync(path.join(dir, 'secret-b'), 'secret-b\n');
      const list = path.join(dir, 'clients.yaml');
      writeFileSync(
        list,
        'clients:\n  - clientId: b\n    clientSecretFile: secret-b\n  - clientId: c\n    clientSecretEnv: SECRET_C\n',
      );
      const config = loadGenesysConfig({
        GENESYS_REGION: 'us_east_1',
        GENESYS_CLIENT_ID: 'a',
        GENESYS_CLIENT_SECRET: SECRET,
        GENESYS_CLIENTS_FILE: list,
        SECRET_C: 'secret-c',
      });
      expect(config.clients).toEqual([
        { clientId: 'a', clientSecret: SECRET },
        { clientId: 'b', clientSecret: 'secret-b' },
        { clientId: 'c', clientSecret: 'secret-c' },
      ]);
      expect(config.clientId).toBe('a');
    });

    it('accepts a JSON list on its own, without GENESYS_CLIENT_ID', () => {
      const list = path.join(dir, 'clients.json');
      writeFileSync(list, JSON.stringify([{ clientId: 'x', clientSecretEnv: 'SX' }]));
      const config = loadGenesysConfig({ GENESYS_REGION: 'us_east_1', GENESYS_CLIENTS_FILE: list, SX: 'sx' });
      expect(config.clients).toEqual([{ clientId: 'x', clientSecret: 'sx' }]);
      expect(config.clientSecret).toBe('sx');
    });

    it('refuses inline secrets, duplicates, unknown fields and missing secrets, naming entry and field', () => {
      const list = path.join(dir, 'bad.yaml');
      writeFileSync(
        list,
        [
          '- clientId: a',
          `  clientSecret: ${SECRET}`,
          '- clientId: b',
          '  clientSecretEnv: UNSET_VAR',
          '- clientId: c',
          '  clientSecretFile: nope',
          '- clientId: d',
          '  secretFile: x',
          '- clientId: e',
        ].join('\n'),
      );
      const err = errorOf({ GENESYS_REGION: 'us_east_1', GENESYS_CLIENTS_FILE: list });
      expect(err.issues.map((i) => i.variable)).toEqual([
        'GENESYS_CLIENTS_FILE clients[0]',
        'GENESYS_CLIENTS_FILE clients[1].clientSecretEnv',
        'GENESYS_CLIENTS_FILE clients[2].clientSecretFile',
        'GENESYS_CLIENTS_FILE clients[3]',
        'GENESYS_CLIENTS_FILE clients[4]',
      ]);
      expect(err.message).toContain('never in this file');
      expect(err.message).toContain('names UNSET_VAR, which is unset or empty');
      expect(err.message).toContain('has unknown field(s) secretFile');
      expect(err.message).not.toContain(SECRET);

      const dup = path.join(dir, 'dup.yaml');
      writeFileSync(dup, '- clientId: a\n  clientSecretEnv: SA\n');
      const twice = errorOf({
        GENESYS_REGION: 'us_east_1',
        GENESYS_CLIENT_ID: 'a',
        GENESYS_CLIENT_SECRET: 'x',
        GENESYS_CLIENTS_FILE: dup,
        SA: 'y',
      });
      expect(twice.message).toContain('lists client a twice');
    });

    it('refuses a missing, non-regular, empty or malformed list', () => {
      expect(errorOf({ GENESYS_REGION: 'us_east_1', GENESYS_CLIENTS_FILE: path.join(dir, 'none') }).message).toContain(
        'GENESYS_CLIENTS_FILE cannot be read',
      );
      expect(errorOf({ GENESYS_REGION: 'us_east_1', GENESYS_CLIENTS_FILE: dir }).message).toContain(
        'is not a regular file',
      );
      const empty = path.join(dir, 'empty-list.yaml');
      writeFileSync(empty, 'clients: []\n');
      expect(errorOf({ GENESYS_REGION: 'us_east_1', GENESYS_CLIENTS_FILE: empty }).message).toContain(
        'lists no clients',
      );
      const scalar = path.join(dir, 'scalar.yaml');
      writeFileSync(scalar, 'just a string\n');
      expect(errorOf({ GENESYS_REGION: 'us_east_1', GENESYS_CLIENTS_FILE: scalar }).message).toContain(
        'must hold a list',
      );
    });
  });
});
