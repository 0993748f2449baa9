/**
 * src/core must stay importable from Temporal workflow code: deterministic and free of I/O (reading rules files
 * happens at the edge, src/config/rules-file.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const coreDir = join(__dirname, '..', '..', '..', 'src', 'core');
const files = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

const FORBIDDEN: Array<[string, RegExp]> = [
  ['a Node built-in import', /from\s+['"](node:|fs['"]|path['"]|crypto['"]|os['"]|child_process['"]|http['"])/],
  ['require()', /\brequire\(/],
  ['Date.now()', /Date\.now\(/],
  ['new Date()', /new Date\(/],
  ['Math.random()', /Math\.random\(/],
  ['process', /\bprocess\./],
  ['timers', /\bset(Timeout|Interval|Immediate)\(/],
  ['an I/O package', /from\s+['"](axios|pg|purecloud-platform-client-v2|pino|express|proper-lockfile)['"]/],
];

describe('src/core purity', () => {
  it('has the expected files', () => {
    expect(files).toEqual(expect.arrayContaining(['canonical-json.ts', 'rules-parse.ts', 'index.ts']));
    expect(files).not.toContain('rules-file.ts');
  });

  it.each(files)('%s uses no I/O or non-determinism', (file) => {
    const source = readFileSync(join(coreDir, file), 'utf8');
    for (const [what, pattern] of FORBIDDEN) {
      expect({ file, what, found: pattern.test(source) }).toEqual({ file, what, found: false });
    }
  });

  it('index.ts does not re-export the YAML parser', () => {
    const exports = readFileSync(join(coreDir, 'index.ts'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('export'));
    expect(exports.length).toBeGreaterThan(10);
    expect(exports.filter((line) => /rules-parse/.test(line))).toEqual([]);
  });
});
