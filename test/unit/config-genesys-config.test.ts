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
});
