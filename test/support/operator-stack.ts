/**
 * The stack the operator surfaces talk to, for the client, HTTP and CLI integration tests: a real Temporal dev
 * server with the gcsync search attributes, and the shared reconciler of `test/support/reconciler.ts` (the Genesys
 * emulator plus a real worker running the real `reconcileGroups` workflow and activities), seeded with two target
 * groups and a rules file that owns them.
 *
 * ```ts
 * let stack: ReconcileStack;
 * beforeAll(async () => (stack = await startReconcileStack()));
 * afterAll(() => stack?.stop());
 * ```
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { startReconciler, type Reconciler } from './reconciler';
import { startTestTemporal, type TestTemporal } from './temporal';

/** Names of the groups created in the emulator; the rules below target them. */
export const SUPPORT_GROUP = 'Support Tier 1';
export const SALES_GROUP = 'Sales Team';

/** Rules that own both groups by department, never asking for approval (tests override per run). */
export const RULES_YAML = `version: 1
policy:
  requireApproval: never
groups:
  - group: ${SUPPORT_GROUP}
    include:
      department: Support
  - group: ${SALES_GROUP}
    include:
      department: Sales
`;

export interface ReconcileStack {
  temporal: TestTemporal;
  reconciler: Reconciler;
  /** Task queue the worker polls (unique per stack). */
  taskQueue: string;
  /** Absolute path of a file holding {@link RULES_YAML}, readable by the worker (same machine). */
  rulesFile: string;
  /** Scratch folder for further rules files. */
  dir: string;
  /** The worker's environment (audit file, data folder); the CLI tests reuse it for `gcsync audit`. */
  env: Record<string, string>;
  /** Ids of the emulator users a run should put in `group` (active users of the matching department). */
  expectedMembers(group: typeof SUPPORT_GROUP | typeof SALES_GROUP): string[];
  /** Current individual members of an emulator group, by name. */
  membersOf(groupName: string): string[];
  stop(): Promise<void>;
}

export async function startReconcileStack(): Promise<ReconcileStack> {
  const dir = mkdtempSync(join(tmpdir(), 'gcsync-ops-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, RULES_YAML);
  const temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  let reconciler: Reconciler;
  try {
    reconciler = await startReconciler(temporal, { emulator: { users: 60, groups: 0, seed: 7 } });
  } catch (err) {
    await temporal.stop();
    throw err;
  }
  const { state } = reconciler.emulator;
  state.createGroup({ name: SUPPORT_GROUP });
  state.createGroup({ name: SALES_GROUP });
  const department = { [SUPPORT_GROUP]: 'Support', [SALES_GROUP]: 'Sales' } as const;

  return {
    temporal,
    reconciler,
    taskQueue: reconciler.taskQueue,
    rulesFile,
    dir,
    env: reconciler.env,
    expectedMembers: (group) =>
      state
        .listUsers()
        .filter((u) => u.state === 'active' && u.department === department[group])
        .map((u) => u.id)
        .sort(),
    membersOf: (name) => {
      const group = state.listGroups().find((g) => g.name === name);
      if (!group) throw new Error(`no emulator group ${name}`);
      return state.groupMembers(group.id).slice().sort();
    },
    stop: async () => {
      await reconciler.stop();
      await temporal.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
