import {
  buildNotificationBody,
  notificationDocument,
  type NotificationDocument,
  type RunNotification,
  type SlackMessage,
} from '../../../src/core/notification';

const approval: RunNotification = {
  kind: 'approval-needed',
  workflowId: 'gcsync-scheduled-2026-12-06T04:00:00Z',
  runId: '0193-run',
  mode: 'apply',
  planDigest: 'ab12cd',
  totals: { groups: 5, groupsChanged: 2, adds: 3, removes: 40 },
  reasons: ['removes 40 members (max 25)'],
  approvalDeadline: '2026-12-09T04:00:00.000Z',
};

describe('notificationDocument', () => {
  it('an approval-needed alert carries the exact approve command, the HTTP request and the Web UI signal', () => {
    const doc = notificationDocument(approval, {
      namespace: 'default',
      webUiUrl: 'http://127.0.0.1:8233/',
      apiUrl: 'https://gcsync.example.com',
    });
    expect(doc.event).toBe('approval-needed');
    expect(doc.text).toBe('gcsync: run gcsync-scheduled-2026-12-06T04:00:00Z needs approval (+3 -40 in 2 groups)');
    expect(doc.approve).toEqual({
      cli: 'gcsync approve gcsync-scheduled-2026-12-06T04:00:00Z --by <you> --digest ab12cd',
      http: {
        method: 'POST',
        url: 'https://gcsync.example.com/api/reconciliations/gcsync-scheduled-2026-12-06T04%3A00%3A00Z/approve',
        body: { by: '<you>', planDigest: 'ab12cd' },
      },
      webUi: {
        url: 'http://127.0.0.1:8233/namespaces/default/workflows/gcsync-scheduled-2026-12-06T04%3A00%3A00Z/0193-run/history',
        signal: 'approve',
        input: { by: '<you>', planDigest: 'ab12cd' },
      },
    });
    expect(doc.run).toMatchObject({ ...approval, namespace: 'default' });
  });

  it('without configured links the HTTP request is a path and the Web UI has no URL', () => {
    const doc = notificationDocument(approval, { namespace: 'prod' });
    expect(doc.approve?.http.url).toBe('/api/reconciliations/gcsync-scheduled-2026-12-06T04%3A00%3A00Z/approve');
    expect(doc.approve?.webUi.url).toBeUndefined();
    expect(doc.run.webUiUrl).toBeUndefined();
  });

  it('drift, abort and failure alerts say what happened and carry no approval instructions', () => {
    const drift = notificationDocument({ ...approval, kind: 'drift-detected', mode: 'plan' }, { namespace: 'default' });
    expect(drift.text).toBe(
      'gcsync: drift found by plan-only run gcsync-scheduled-2026-12-06T04:00:00Z (+3 -40 in 2 groups to bring in line)',
    );
    expect(drift.approve).toBeUndefined();
    const aborted = notificationDocument(
      { kind: 'run-aborted', workflowId: 'w', runId: 'r', mode: 'apply', message: 'nesting cycle: a → b → a' },
      { namespace: 'default' },
    );
    expect(aborted.text).toBe('gcsync: run w aborted, nothing written: nesting cycle: a → b → a');
    const failed = notificationDocument(
      { kind: 'run-failed', workflowId: 'w', runId: 'r', mode: 'apply', message: '1 of 2 changed groups failed' },
      { namespace: 'default' },
    );
    expect(failed.text).toBe('gcsync: run w failed: 1 of 2 changed groups failed');
  });
});

describe('buildNotificationBody', () => {
  it('json is the document', () => {
    const body = buildNotificationBody(approval, { namespace: 'default' }, 'json') as NotificationDocument;
    expect(body).toEqual(notificationDocument(approval, { namespace: 'default' }));
  });

  it('slack is {text, blocks} with the approve command in a block, and data escaped for mrkdwn', () => {
    const hostile = { ...approval, reasons: ['group <!channel> & co'] };
    const body = buildNotificationBody(hostile, { namespace: 'default' }, 'slack') as SlackMessage;
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toContain('needs approval');
    const all = body.blocks.map((b) => b.text.text).join('\n');
    expect(body.blocks.every((b) => b.type === 'section' && b.text.type === 'mrkdwn')).toBe(true);
    expect(all).toContain('`gcsync approve gcsync-scheduled-2026-12-06T04:00:00Z --by <you> --digest ab12cd`');
    expect(all).toContain('group &lt;!channel&gt; &amp; co');
    expect(all).not.toContain('<!channel>');
  });
});
