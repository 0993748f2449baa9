import { maskSecrets } from '../../src/config/mask-secrets';

describe('maskSecrets', () => {
  it('masks secret-looking keys at any depth and keeps the rest', () => {
    const config = {
      endpoint: { kind: 'region', region: 'us_east_1' },
      clientId: 'abc',
      clientSecret: 'hunter2',
      secretFile: '/run/secrets/genesys',
      scim: { url: 'https://idp.example.com/scim', bearerToken: 'tok', headers: [{ authorization: 'Bearer x' }] },
      temporal: { apiKey: 'k', tokenLifetimeSeconds: 3600 },
      db: { password: 'pw', passwordFile: '/run/secrets/db' },
      token: 'raw',
    };
    expect(maskSecrets(config)).toEqual({
      endpoint: { kind: 'region', region: 'us_east_1' },
      clientId: 'abc',
      clientSecret: '***',
      secretFile: '/run/secrets/genesys',
      scim: { url: 'https://idp.example.com/scim', bearerToken: '***', headers: [{ authorization: '***' }] },
      temporal: { apiKey: '***', tokenLifetimeSeconds: 3600 },
      db: { password: '***', passwordFile: '/run/secrets/db' },
      token: '***',
    });
    expect(config.clientSecret).toBe('hunter2'); // a copy, not in place
  });

  it('masks passwords inside URLs', () => {
    expect(maskSecrets({ databaseUrl: 'postgres://app:pw@db:5432/gcsync' })).toEqual({
      databaseUrl: 'postgres://app:***@db:5432/gcsync',
    });
    expect(maskSecrets('http://127.0.0.1:8089')).toBe('http://127.0.0.1:8089');
  });

  it('keeps unset secrets visible as unset, and survives cycles', () => {
    const cyclic: Record<string, unknown> = { clientSecret: undefined, password: '' };
    cyclic.self = cyclic;
    const masked = maskSecrets(cyclic);
    expect(masked.clientSecret).toBeUndefined();
    expect(masked.password).toBe('');
    expect(masked.self).toBe(masked);
  });
});
