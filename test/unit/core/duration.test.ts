import { parseDuration } from '../../../src/core/duration';
import { parseDuration as fromPolicy } from '../../../src/core/policy';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1d12h', 129_600_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '24', 'h', '1.5h', '24 h', ' 24h', '24H', '10ms', '-5m', '1w', '5m1x'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(
      `invalid duration ${JSON.stringify(text)}: expected a whole number followed by s, m, h or d (e.g. 90s, 15m, 24h, 7d, 1h30m)`,
    );
  });

  it('rejects durations beyond safe integers', () => {
    expect(() => parseDuration('99999999999999999d')).toThrow(/too long/);
  });

  it('rejects durations over 366 days and texts over 32 characters (shown shortened)', () => {
    expect(parseDuration('366d')).toBe(366 * 86_400_000);
    expect(() => parseDuration('367d')).toThrow('invalid duration "367d": too long (at most 366d)');
    expect(() => parseDuration('1s'.repeat(1000))).toThrow(`invalid duration "${'1s'.repeat(16)}…"`);
  });

  it('is re-exported from policy', () => {
    expect(fromPolicy).toBe(parseDuration);
  });
});
