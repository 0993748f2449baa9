import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config-error';
import {
  describeTemporalConfig,
  loadTemporalConfig,
  temporalConnectionOptions,
} from '../../src/config/temporal-config';

describe('loadTemporalConfig', () => {
  it('defaults to a local dev server, namespace default, task queue gcsync, no TLS', () => {
    expect(loadTemporalConfig({})).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'gcsync' });
  });

  it('treats blank variables as unset', () => {
    expect(loadTemporalConfig({ TEMPORAL_ADDRESS: ' ', TEMPORAL_API_KEY: '' })).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'gcsync',
    });
  });

  it('reads address, namespace and task queue', () => {
    const config = loadTemporalConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'identity-prod',
      GCSYNC_TASK_QUEUE: 'gcsync-eu',
    });
    expect(config).toEqual({ address: 'temporal.internal:7233', namespace: 'identity-prod', taskQueue: 'gcsync-eu' });
  });

  it('accepts a bracketed IPv6 address', () => {
    expect(loadTemporalConfig({ TEMPORAL_ADDRESS: '[::1]:7233' }).address).toBe('[::1]:7233');
  });

  it('turns TLS on for an API key (Temporal Cloud) and keeps the key', () => {
    const config = loadTemporalConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k-123' });
    expect(config.tls).toEqual({});
    expect(config.apiKey).toBe('k-123');
  });

  it('collects mTLS files, CA and server name', () => {
    const config = loadTemporalConfig({
      TEMPORAL_TLS_CERT: '/certs/client.pem',
      TEMPORAL_TLS_KEY: '/certs/client.key',
      TEMPORAL_TLS_CA: '/certs/ca.pem',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example.com',
    });
    expect(config.tls).toEqual({
      certFile: '/certs/client.pem',
      keyFile: '/certs/client.key',
      caFile: '/certs/ca.pem',
      serverName: 'temporal.example.com',
    });
  });

  it('turns TLS on with TEMPORAL_TLS=true alone (server TLS, system CAs)', () => {
    expect(loadTemporalConfig({ TEMPORAL_TLS: 'true' }).tls).toEqual({});
  });

  it.each([
    [{ TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS must be host:port/],
    [{ TEMPORAL_NAMESPACE: 'has space' }, /TEMPORAL_NAMESPACE must be a namespace name/],
    [{ GCSYNC_TASK_QUEUE: '-x' }, /GCSYNC_TASK_QUEUE must be a task queue name/],
    [{ TEMPORAL_TLS: 'yes' }, /TEMPORAL_TLS must be true or false/],
    [{ TEMPORAL_TLS_CERT: '/c.pem' }, /TEMPORAL_TLS_KEY is required when TEMPORAL_TLS_CERT is set/],
    [{ TEMPORAL_TLS_KEY: '/c.key' }, /TEMPORAL_TLS_CERT is required when TEMPORAL_TLS_KEY is set/],
    [{ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' }, /TEMPORAL_TLS is false, but TEMPORAL_API_KEY/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadTemporalConfig(env)).toThrow(ConfigError);
    expect(() => loadTemporalConfig(env)).toThrow(message);
  });

  it('lists every wrong variable at once', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'x', TEMPORAL_NAMESPACE: '!' })).toThrow(
      /TEMPORAL_ADDRESS .*; TEMPORAL_NAMESPACE /,
    );
  });

  it('never puts the API key in an error or a description', () => {
    const secret = 'super-secret-api-key';
    try {
      loadTemporalConfig({ TEMPORAL_API_KEY: secret, TEMPORAL_TLS: 'false' });
      throw new Error('expected an error');
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
    const description = describeTemporalConfig(loadTemporalConfig({ TEMPORAL_API_KEY: secret }));
    expect(description).toBe('127.0.0.1:7233 namespace=default taskQueue=gcsync (TLS, API key set)');
    expect(description).not.toContain(secret);
  });
});

describe('temporalConnectionOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gcsync-tls-'));
  const cert = join(dir, 'client.pem');
  const key = join(dir, 'client.key');
  const ca = join(dir, 'ca.pem');
  writeFileSync(cert, 'CERT');
  writeFileSync(key, 'PRIVATE KEY CONTENTS');
  writeFileSync(ca, 'CA');

  it('is plaintext without TLS settings', async () => {
    expect(await temporalConnectionOptions(loadTemporalConfig({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('reads the certificate, key and CA files', async () => {
    const options = await temporalConnectionOptions(
      loadTemporalConfig({
        TEMPORAL_TLS_CERT: cert,
        TEMPORAL_TLS_KEY: key,
        TEMPORAL_TLS_CA: ca,
        TEMPORAL_TLS_SERVER_NAME: 'temporal.example.com',
      }),
    );
    expect(options.tls?.serverNameOverride).toBe('temporal.example.com');
    expect(Buffer.from(options.tls!.serverRootCACertificate!).toString()).toBe('CA');
    expect(Buffer.from(options.tls!.clientCertPair!.crt).toString()).toBe('CERT');
    expect(Buffer.from(options.tls!.clientCertPair!.key).toString()).toBe('PRIVATE KEY CONTENTS');
  });

  it('passes the API key through for the Authorization header', async () => {
    const options = await temporalConnectionOptions(loadTemporalConfig({ TEMPORAL_API_KEY: 'k-1' }));
    expect(options).toEqual({ address: '127.0.0.1:7233', tls: {}, apiKey: 'k-1' });
  });

  it('names the variable of an unreadable file, without its contents', async () => {
    const config = loadTemporalConfig({ TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: join(dir, 'missing.key') });
    await expect(temporalConnectionOptions(config)).rejects.toThrow(
      `invalid Temporal settings: TEMPORAL_TLS_KEY cannot read ${join(dir, 'missing.key')} (ENOENT)`,
    );
  });
});
