import { compileMatcher, formatMatcher, parseMatcher, type Matcher } from '../../../src/core/matcher';

function ok(text: string): Matcher {
  const result = parseMatcher(text);
  if (!result.ok) throw new Error(result.error);
  return result.matcher;
}

function error(text: string): string {
  const result = parseMatcher(text);
  if (result.ok) throw new Error(`expected ${text} to be rejected`);
  return result.error;
}

describe('parseMatcher', () => {
  it('treats plain text as an exact value', () => {
    expect(ok('Support Agent')).toEqual({ kind: 'exact', value: 'Support Agent' });
  });

  it('parses /pattern/flags, keeping slashes inside the pattern', () => {
    expect(ok('/contractor/i')).toEqual({ kind: 'regex', source: 'contractor', flags: 'i' });
    expect(ok('/a\\/b/')).toEqual({ kind: 'regex', source: 'a\\/b', flags: '' });
    expect(ok('/^dev/ops$/')).toEqual({ kind: 'regex', source: '^dev/ops$', flags: '' });
  });

  it('rejects a regex that does not compile, naming it', () => {
    expect(error('/con(/i')).toBe('invalid regular expression /con(/i: Unterminated group');
  });

  it('rejects unknown and stateful flags', () => {
    expect(error('/x/q')).toMatch(/^invalid regular expression \/x\/q: Invalid flags/);
    expect(error('/x/g')).toBe("invalid regular expression /x/g: flag 'g' is not allowed");
    expect(error('/x/iy')).toBe("invalid regular expression /x/iy: flag 'y' is not allowed");
  });

  it('rejects text that starts with / but is not a regex literal', () => {
    expect(error('/opt')).toBe("'/opt' starts with / but is not a regular expression written /pattern/flags");
    expect(error('//')).toMatch(/not a regular expression/);
  });

  it('rejects the empty string', () => {
    expect(error('')).toBe('expected a non-empty string');
  });

  it('rejects values over 1024 characters', () => {
    expect(error('x'.repeat(1025))).toBe('must be at most 1024 characters (got 1025)');
    expect(ok('x'.repeat(1024)).kind).toBe('exact');
  });

  it('refuses what the linear-time engine cannot do, saying so', () => {
    for (const text of ['/(a)\\1/', '/a(?=b)/', '/a(?!b)/', '/(?<=a)b/']) {
      expect(error(text)).toMatch(
        /^unsupported regular expression .*linear-time engine without backreferences or lookaround\)$/,
      );
    }
  });

  it('refuses escapes that JavaScript and RE2 read differently', () => {
    expect(error('/\\Qa/')).toBe(
      'unsupported regular expression /\\Qa/: \\Q means something else to the linear-time engine than to JavaScript; write it another way',
    );
    for (const text of ['/\\Aa/', '/a\\z/', '/\\a/', '/(?<n>a)\\k<n>/', '/\\p{L}/'])
      expect(error(text)).toMatch(/means something else/);
    expect(ok('/\\p{L}/u')).toEqual({ kind: 'regex', source: '\\p{L}', flags: 'u' });
    expect(ok('/a\\\\A/')).toEqual({ kind: 'regex', source: 'a\\\\A', flags: '' });
  });
});

describe('compileMatcher', () => {
  it('matches exact values case-sensitively', () => {
    const test = compileMatcher(ok('Support'));
    expect(test('Support')).toBe(true);
    expect(test('support')).toBe(false);
    expect(test('Support Tier 1')).toBe(false);
  });

  it('matches regexes anywhere in the value, with flags', () => {
    const test = compileMatcher(ok('/contractor/i'));
    expect(test('Senior Contractor')).toBe(true);
    expect(test('Employee')).toBe(false);
  });

  it('matches a catastrophic pattern in linear time', () => {
    const test = compileMatcher(ok('/^(a+)+$/'));
    const started = performance.now();
    expect(test(`${'a'.repeat(35)}b`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('gives the same answer on repeated calls (no lastIndex state)', () => {
    const test = compileMatcher({ kind: 'regex', source: 'a', flags: 'g' });
    expect([test('a'), test('a'), test('a')]).toEqual([true, true, true]);
  });
});

describe('formatMatcher', () => {
  it('writes matchers back in rules syntax', () => {
    expect(formatMatcher(ok('/x/i'))).toBe('/x/i');
    expect(formatMatcher(ok('Sales'))).toBe('Sales');
  });
});
