import { loadNotifyConfig, NotifyConfigError } from '../../src/notify/config';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX';

describe('loadNotifyConfig', () => {
  it('is off without a URL (blank counts as unset)', () => {
    expect(loadNotifyConfig({})).toBeUndefined();
    expect(loadNotifyConfig({ GCSYNC_NOTIFY_URL: '  ', GCSYNC_NOTIFY_FORMAT: 'slack' })).toBeUndefined();
  });

  it('holds the URL as a secret and prints only its scheme and host', () => {
    const config = loadNotifyConfig({ GCSYNC_NOTIFY_URL: SLACK, GCSYNC_NOTIFY_FORMAT: 'slack' })!;
    expect(config.url.reveal()).toBe(SLACK);
    expect(config.maskedUrl).toBe('https://hooks.slack.com/***');
    expect(JSON.stringify(config)).not.toContain('SECRET');
    expect(`${config.url}`).not.toContain('SECRET');
    expect(config).toMatchObject({ format: 'slack', timeoutMs: 5000 });
  });

  it('reads the URL from GCSYNC_NOTIFY_URL_FILE, trimmed', () => {
    const config = loadNotifyConfig({ GCSYNC_NOTIFY_URL_FILE: '/run/secrets/hook' }, () => `${SLACK}\n`)!;
    expect(config.url.reveal()).toBe(SLACK);
  });

  it('takes the Web UI and API bases for links', () => {
    const config = loadNotifyConfig({
      GCSYNC_NOTIFY_URL: SLACK,
      GCSYNC_WEB_UI_URL: 'http://127.0.0.1:8233',
      GCSYNC_PUBLIC_API_URL: 'https://gcsync.example.com',
      GCSYNC_NOTIFY_TIMEOUT_MS: '2500',
    })!;
    expect(config).toMatchObject({
      webUiUrl: 'http://127.0.0.1:8233/',
      apiUrl: 'https://gcsync.example.com/',
      format: 'json',
      timeoutMs: 2500,
    });
  });

  it.each([
    [{ GCSYNC_NOTIFY_URL: SLACK, GCSYNC_NOTIFY_URL_FILE: '/f' }, /GCSYNC_NOTIFY_URL_FILE: set either/],
    [{ GCSYNC_NOTIFY_URL: 'hooks.slack.com/XXXXSECRETXXXX' }, /GCSYNC_NOTIFY_URL: must be an absolute http\(s\) URL/],
    [{ GCSYNC_NOTIFY_URL: 'ftp://host/XXXXSECRETXXXX' }, /GCSYNC_NOTIFY_URL: must use http or https/],
    [{ GCSYNC_NOTIFY_URL: SLACK, GCSYNC_NOTIFY_FORMAT: 'teams' }, /GCSYNC_NOTIFY_FORMAT: must be json or slack/],
    [{ GCSYNC_NOTIFY_URL: SLACK, GCSYNC_NOTIFY_TIMEOUT_MS: '10s' }, /GCSYNC_NOTIFY_TIMEOUT_MS: must be an integer/],
    [{ GCSYNC_NOTIFY_URL: SLACK, GCSYNC_NOTIFY_TIMEOUT_MS: '99' }, /GCSYNC_NOTIFY_TIMEOUT_MS: must be an integer/],
  ])('refuses bad settings (case %#) naming the variable, never echoing the URL', (env, message) => {
    let error: unknown;
    try {
      loadNotifyConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NotifyConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('SECRET');
  });

  it('says when the URL file cannot be read, without its content', () => {
    const missing = () => {
      throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    };
    expect(() => loadNotifyConfig({ GCSYNC_NOTIFY_URL_FILE: '/run/secrets/hook' }, missing)).toThrow(
      'GCSYNC_NOTIFY_URL_FILE: cannot read /run/secrets/hook (ENOENT)',
    );
  });
});
