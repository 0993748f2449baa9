import { Writable } from 'node:stream';
import { createWorkerLogger, parseLogLevel } from '../../src/observability/temporal-pino-logger';

/** A worker logger writing JSON lines into an array. */
function capture(level: string | undefined) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createWorkerLogger(level, sink), lines };
}

describe('Temporal SDK logger bridged to pino', () => {
  it('writes one JSON line per message with the level, message and metadata', () => {
    const { logger, lines } = capture('DEBUG');
    logger.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    logger.log('DEBUG', 'Activity started', { activityType: 'prepareRun' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, name: 'gcsync-worker', msg: 'Worker state changed', state: 'RUNNING' }),
      expect.objectContaining({ level: 20, msg: 'Activity started', activityType: 'prepareRun' }),
    ]);
  });

  it('masks secret-looking fields and URL passwords, in metadata and message', () => {
    const { logger, lines } = capture('INFO');
    logger.warn('cannot reach postgres://gcsync:hunter2@db/gcsync', {
      clientSecret: 'shh-secret',
      nested: { authorization: 'Bearer abc', url: 'https://u:pw@idp.example.com/scim' },
      clientId: 'visible-id',
    });
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/hunter2|shh-secret|Bearer abc|:pw@/);
    expect(lines[0]).toMatchObject({
      msg: 'cannot reach postgres://gcsync:***@db/gcsync',
      clientSecret: '***',
      nested: { authorization: '***', url: 'https://u:***@idp.example.com/scim' },
      clientId: 'visible-id',
    });
  });

  it('keeps an error in the metadata readable (type, message, stack)', () => {
    const { logger, lines } = capture('INFO');
    logger.error('Activity failed', { error: new TypeError('boom') });
    expect(lines[0]).toMatchObject({ error: { type: 'TypeError', message: 'boom' } });
    expect((lines[0].error as { stack: string }).stack).toContain('TypeError: boom');
  });

  it('drops messages below the level (GCSYNC_LOG_LEVEL), any case; an unknown level is INFO', () => {
    const { logger, lines } = capture('warn');
    logger.info('not shown');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
    expect(parseLogLevel('bogus')).toBe('INFO');
    expect(parseLogLevel(undefined)).toBe('INFO');
    expect(parseLogLevel(' trace ')).toBe('TRACE');
  });
});
