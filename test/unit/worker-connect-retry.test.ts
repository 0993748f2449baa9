import { ConnectAbortedError, connectWithRetry } from '../../src/worker/connect-retry';

describe('connectWithRetry', () => {
  it('retries with doubling back-off (capped) and a log line per failure, then returns the connection', async () => {
    const lines: string[] = [];
    const waits: number[] = [];
    let calls = 0;
    const connection = await connectWithRetry(
      async () => {
        calls += 1;
        if (calls < 6) throw new Error('tcp connect error: Connection refused (os error 111)');
        return 'conn';
      },
      {
        address: '127.0.0.1:7233',
        print: (l) => lines.push(l),
        sleep: async (ms) => void waits.push(ms),
        maxDelayMs: 8_000,
      },
    );
    expect(connection).toBe('conn');
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      'cannot reach Temporal at 127.0.0.1:7233 (TEMPORAL_ADDRESS): tcp connect error: Connection refused (os error 111); retrying in 1 s (attempt 1)',
    );
    expect(lines[5]).toBe('connected to Temporal at 127.0.0.1:7233 after 6 attempts');
  });

  it('stops retrying when the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const attempt = connectWithRetry(
      async () => {
        calls += 1;
        if (calls === 2) controller.abort();
        throw new Error('refused');
      },
      { address: 'x:1', print: () => undefined, signal: controller.signal, initialDelayMs: 1 },
    );
    await expect(attempt).rejects.toBeInstanceOf(ConnectAbortedError);
    expect(calls).toBe(2);
  });
});
