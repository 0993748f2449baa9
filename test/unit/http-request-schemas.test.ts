import { reconcileRequestSchema, toReconcileInput } from '../../src/http/request-schemas';

const parse = (body: unknown) => reconcileRequestSchema.parse(body);

describe('toReconcileInput', () => {
  it("maps the original tutorial's body to an apply run of the server's default rules", () => {
    expect(toReconcileInput(parse({ targetGroups: ['Support Tier 1', 'Sales'] }), '/etc/gcsync/rules.yaml')).toEqual({
      mode: 'apply',
      rulesRef: '/etc/gcsync/rules.yaml',
      targetGroups: ['Support Tier 1', 'Sales'],
      requestedBy: 'http-api',
    });
  });

  it('trims group names', () => {
    expect(toReconcileInput(parse({ targetGroups: ['  Sales '] }), '/r')?.targetGroups).toEqual(['Sales']);
  });

  it('runs every group of the rules when targetGroups is left out', () => {
    expect(toReconcileInput(parse({}), '/r')).toEqual({ mode: 'apply', rulesRef: '/r', requestedBy: 'http-api' });
  });

  it('prefers the request rulesRef over the default', () => {
    expect(toReconcileInput(parse({ rulesRef: 'blob:rules/v7', mode: 'plan' }), '/r')).toEqual({
      mode: 'plan',
      rulesRef: 'blob:rules/v7',
      requestedBy: 'http-api',
    });
  });

  it('sends inline rules (text or object) without any rulesRef', () => {
    expect(toReconcileInput(parse({ rules: 'version: 1\ngroups: []\n' }), '/r')).toEqual({
      mode: 'apply',
      rules: 'version: 1\ngroups: []\n',
      requestedBy: 'http-api',
    });
    expect(toReconcileInput(parse({ rules: { version: 1, groups: [] } }), '/r')?.rules).toEqual({
      version: 1,
      groups: [],
    });
  });

  it('passes overrides and requestedBy through', () => {
    const input = toReconcileInput(
      parse({ overrides: { requireApproval: 'always', approvalTimeout: '15m' }, requestedBy: 'itsm:CHG-1' }),
      '/r',
    );
    expect(input).toMatchObject({
      overrides: { requireApproval: 'always', approvalTimeout: '15m' },
      requestedBy: 'itsm:CHG-1',
    });
  });

  it('is undefined when neither the request nor the server names rules', () => {
    expect(toReconcileInput(parse({ targetGroups: ['Sales'] }), undefined)).toBeUndefined();
  });
});
