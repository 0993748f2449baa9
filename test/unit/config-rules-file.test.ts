import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRulesFile } from '../../src/config/rules-file';
import { RulesValidationError } from '../../src/core/rules-validate';

describe('loadRulesFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gcsync-rules-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and parses a YAML file', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, 'version: 1\ngroups:\n  - group: A\n    include: {role: X}\n');
    expect(loadRulesFile(path).groups[0].group).toBe('A');
  });

  it('reads a JSON file', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        groups: [
          { group: 'B', includeGroups: ['C'] },
          { group: 'C', include: { userId: 'u' } },
        ],
      }),
    );
    expect(loadRulesFile(path).groups.map((g) => g.group)).toEqual(['B', 'C']);
  });

  it('names the file as given in validation errors', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'version: 1\ngroups:\n  - group: A\n    include: {role: 5}\n');
    expect(() => loadRulesFile(path)).toThrow(`${path}: groups[0].include.role: expected a string`);
  });

  it('reports a missing file as a RulesValidationError', () => {
    const path = join(dir, 'missing.yaml');
    let error: unknown;
    try {
      loadRulesFile(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RulesValidationError);
    expect((error as RulesValidationError).message).toBe(`${path}: cannot read the rules file: file not found`);
    expect((error as RulesValidationError).issues[0].code).toBe('io');
  });
});
