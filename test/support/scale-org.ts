/**
 * A large, drifted org for scale tests and the history-size benchmark: `groups` target groups, each owning the
 * users of one department (`department: "Dept 0042"`), each drifted by a few members (some wanted members
 * missing, some outsiders present). The expected membership is computed here from the fixtures, independently of
 * the reconciler.
 */
import type { RunningEmulator } from '../../src/emulator';

export interface ScaleOrgOptions {
  groups: number;
  users: number;
}

export interface ScaleOrg {
  /** YAML rules: one exact group per department, approval never. */
  rules: string;
  /** Wanted members per group id (sorted). */
  expected: Map<string, string[]>;
  /** Adds + removes the reconciler must make. */
  changes: number;
}

const pad = (n: number): string => String(n).padStart(4, '0');
export const scaleGroupName = (k: number): string => `Scale Group ${pad(k)}`;
const departmentOf = (k: number): string => `Dept ${pad(k)}`;

/** Creates the users and groups in `emulator` (which should start empty: `{ users: 0, groups: 0 }`). */
export function buildScaleOrg(emulator: RunningEmulator, opts: ScaleOrgOptions): ScaleOrg {
  const state = emulator.state;
  const byDept: string[][] = Array.from({ length: opts.groups }, () => []);
  for (let i = 0; i < opts.users; i++) {
    const k = i % opts.groups;
    const user = state.createUser({ name: `Scale User ${i}`, department: departmentOf(k), title: 'Agent' });
    byDept[k].push(user.id);
  }
  const expected = new Map<string, string[]>();
  const lines = ['version: 1', 'policy:', '  requireApproval: never', 'groups:'];
  let changes = 0;
  for (let k = 0; k < opts.groups; k++) {
    const want = byDept[k];
    const missing = want.slice(0, Math.min(want.length, 1 + (k % 2)));
    const neighbour = byDept[(k + 1) % opts.groups];
    const outsiders = opts.groups > 1 ? neighbour.slice(0, Math.min(neighbour.length, 1 + (k % 3))) : [];
    const group = state.createGroup({
      name: scaleGroupName(k),
      memberIds: [...want.filter((u) => !missing.includes(u)), ...outsiders],
    });
    expected.set(group.id, [...want].sort());
    changes += missing.length + outsiders.length;
    lines.push(
      `  - group: ${JSON.stringify(group.name)}`,
      '    mode: exact',
      '    include:',
      `      department: ${JSON.stringify(departmentOf(k))}`,
    );
  }
  return { rules: lines.join('\n') + '\n', expected, changes };
}
