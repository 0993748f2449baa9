/**
 * Generators of bad rules documents for the fuzz tests (rules loader and HTTP service). Every case is invalid by
 * construction, so a case that parses is a bug, not noise. Deterministic: the same seed gives the same cases.
 */

/** A seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One bad rules source: YAML/JSON text, or an already-decoded value (as an HTTP body or workflow input carries). */
export interface BadRules {
  category: string;
  text?: string;
  value?: unknown;
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));

const valid = (): Record<string, unknown> => ({
  version: 1,
  groups: [
    { group: 'Support', include: { department: 'Support' } },
    { group: 'All', includeGroups: ['Support'], exclude: { title: '/contractor/i' } },
  ],
});

function nestNot(depth: number): unknown {
  let selector: unknown = { title: 'x' };
  for (let i = 0; i < depth; i++) selector = { not: selector };
  return selector;
}

const WRONG_VALUES: unknown[] = [null, 5, -1, 1.5, true, 'text', [], {}, [1, 2], { a: 1 }, '', 1e300];
const BAD_REGEXES = [
  '/(a)\\1/',
  '/a(?=b)/',
  '/(?<!x)y/',
  '/con(/',
  '/[/',
  '/x/g',
  '/x/y',
  '/x/q',
  '/x/v',
  '/opt',
  '//',
  '/a{2,1}/',
  '/(?<n>a)\\k<n>/',
  '/\\Qa/',
  '/\\Aa\\z/',
  '/\\p{L}/',
  '/a\\a/',
];
const BAD_NUMBERS: Array<[string, unknown]> = [
  ['minProficiency', 6],
  ['minProficiency', 1e300],
  ['minProficiency', -1],
  ['minProficiency', 2.5],
  ['minProficiency', '3'],
];
const BAD_POLICY: Array<Record<string, unknown>> = [
  { approvalTimeout: '31d' },
  { approvalTimeout: '100000000d' },
  { approvalTimeout: '1.5h' },
  { approvalTimeout: '0s' },
  { approvalTimeout: `${'9'.repeat(40)}s` },
  { maxRemovals: 1e300 },
  { maxRemovals: -5 },
  { maxRemovals: 1.5 },
  { maxRemovalRatio: 1.5 },
  { maxRemovalRatio: -0.1 },
  { requireApproval: 'sometimes' },
];
const SYNTAX: string[] = [
  'version: 1\ngroups: [',
  'version: 1\ngroups:\n  - group: A\n\tinclude: {role: x}\n',
  'version: 1\nversion: 1\ngroups:\n  - {group: A, include: {role: x}}\n',
  '{"version": 1, "groups": [{"group": "A", "group": "B", "include": {"role": "x"}}]}',
  'version: 1\ngroups: *nothing\n',
  '{"version": 1,, "groups": []}',
  'version: 1\ngroups:\n  - group: "A\n',
  '%YAML 9.9\n---\nversion: 1\n',
  '---\nversion: 1\n---\nversion: 1\n',
  ': : :\n',
];

/** Alias bomb: each level references the previous one ten times. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\nversion: 1\ngroups: [{group: A, include: {role: x}}]\n`;
}

function chain(length: number, cycle: boolean): Record<string, unknown> {
  const groups: Record<string, unknown>[] = [];
  for (let i = 0; i < length; i++) groups.push({ group: `g${i}`, includeGroups: [`g${i + 1}`] });
  groups.push(cycle ? { group: `g${length}`, includeGroups: ['g0'] } : { group: `g${length}`, include: { role: 'x' } });
  return { version: 1, groups };
}

/** Sets `value` at a random place of a valid document (a field, a selector, the policy, the top level). */
function withField(rng: Rng, value: unknown): Record<string, unknown> {
  const doc = valid();
  const groups = doc.groups as Record<string, unknown>[];
  switch (int(rng, 0, 6)) {
    case 0:
      doc.version = value === 1 ? 2 : value;
      break;
    case 1:
      groups[0].group = typeof value === 'string' && value !== '' ? 5 : value;
      break;
    case 2:
      groups[0].mode = value;
      break;
    case 3:
      groups[0].include = typeof value === 'object' && value !== null && !Array.isArray(value) ? 5 : value;
      break;
    case 4:
      groups[1].includeGroups = value;
      break;
    case 5:
      groups[0].include = { department: typeof value === 'string' && value !== '' ? 7 : value };
      break;
    default:
      doc.groups = Array.isArray(value) && value.length === 0 ? 'none' : typeof value === 'object' ? 3 : value;
  }
  return doc;
}

/** `count` bad rules sources from `seed`, spread over every category. */
export function badRulesCases(seed: number, count: number): BadRules[] {
  const rng = prng(seed);
  const cases: BadRules[] = [];
  const asText = (category: string, value: unknown): BadRules =>
    rng() < 0.5 ? { category, text: JSON.stringify(value) } : { category, value };
  const deepAny = (min: number, max: number): BadRules => {
    // Deep lists/maps anywhere (not only selectors), in flow YAML that the YAML parser itself must survive.
    const depth = int(rng, min, max);
    const open = rng() < 0.5 ? '[' : '{"a":';
    const close = open === '[' ? ']' : '}';
    return { category: 'deep-any', text: `{"version": 1, "groups": ${open.repeat(depth)}1${close.repeat(depth)}}` };
  };
  // Expensive cases (large documents): a few of each, so the whole run stays quick on a shared machine.
  const heavy: Array<() => BadRules> = [
    () => ({ category: 'huge-cycle', value: chain(int(rng, 5000, 6000), true) }),
    () => {
      const groups = Array.from({ length: 10_001 }, (_, i) => ({ group: `g${i}`, include: { userId: 'u' } }));
      return { category: 'too-many-groups', value: { version: 1, groups } };
    },
    () => {
      const of = Array.from({ length: 10_001 }, () => ({ userId: 'u' }));
      return { category: 'too-many-selectors', value: { version: 1, groups: [{ group: 'A', include: { any: of } }] } };
    },
    () => deepAny(1000, 20_000),
    () => ({ category: 'huge-chain', text: JSON.stringify(chain(int(rng, 5000, 6000), false)) }),
  ];
  const generators: Array<() => BadRules> = [
    () => ({ category: 'syntax', text: pick(rng, SYNTAX) }),
    () => ({ category: 'alias-bomb', text: aliasBomb(int(rng, 6, 9)) }),
    () => asText('wrong-type', withField(rng, pick(rng, WRONG_VALUES))),
    () => {
      const doc = valid();
      const where = int(rng, 0, 3);
      const key = pick(rng, ['extra', 'Groups', 'includes', '__proto__', 'constructor', 'Ünïcode', 'mode ']);
      // defineProperty and computed keys make `__proto__` an own key (as JSON.parse does), not a prototype.
      const own = (target: object) => Object.defineProperty(target, key, { value: 1, enumerable: true });
      if (where === 0) own(doc);
      else if (where === 1) own((doc.groups as Record<string, unknown>[])[0]);
      else if (where === 2) (doc.groups as Record<string, unknown>[])[0].include = { role: 'x', [key]: 1 };
      else doc.policy = { [key]: 1 };
      return asText('unknown-key', doc);
    },
    () => {
      const doc = valid();
      (doc.groups as Record<string, unknown>[])[0].include = { title: pick(rng, BAD_REGEXES) };
      return asText('bad-regex', doc);
    },
    () => {
      const doc = valid();
      (doc.groups as Record<string, unknown>[])[0].include = nestNot(int(rng, 49, rng() < 0.2 ? 3000 : 400));
      return asText('deep-not', doc);
    },
    () => deepAny(49, 300),
    () => asText('long-chain', chain(int(rng, 101, 200), false)),
    () => asText('cycle', chain(int(rng, 1, 150), true)),
    () => {
      const doc = valid();
      const [field, value] = pick(rng, BAD_NUMBERS);
      (doc.groups as Record<string, unknown>[])[0].include = { skill: 'Spanish', [field]: value };
      return asText('bad-number', doc);
    },
    () => asText('bad-policy', { ...valid(), policy: pick(rng, BAD_POLICY) }),
    () => ({ category: 'oversize', text: `# ${'x'.repeat(int(rng, 512 * 1024, 600 * 1024))}\nversion: 1\n` }),
    () => {
      const doc = valid();
      const big = 'n'.repeat(int(rng, 1025, 5000));
      if (rng() < 0.5) (doc.groups as Record<string, unknown>[])[0].group = big;
      else (doc.groups as Record<string, unknown>[])[0].include = { title: big };
      return asText('long-string', doc);
    },
    () => ({ category: 'not-a-document', value: pick(rng, [null, 1, 'rules', [], [valid()], true]) }),
    () => ({ category: 'not-a-document', text: pick(rng, ['', '# only a comment\n', '42', '- a\n- b\n', 'null']) }),
    () => {
      const doc = valid();
      (doc.groups as Record<string, unknown>[]).push({ group: 'Support', include: { role: 'x' } });
      (doc.groups as Record<string, unknown>[])[1].includeGroups = ['Support', `missing-${int(rng, 0, 99)}`];
      return asText('references', doc);
    },
  ];
  for (let i = 0; i < count; i++) {
    cases.push(i % 50 === 49 ? heavy[Math.floor(i / 50) % heavy.length]() : generators[i % generators.length]());
  }
  return cases;
}
