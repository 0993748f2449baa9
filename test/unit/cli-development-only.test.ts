/**
 * `gcsync emulator` and `gcsync demo` in a development checkout (their modules load: the real commands) and in a
 * production install (the build left them out: a stub that says so); and which workflow code a worker gets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { DevelopmentOnlyError, registerDevelopmentCommands } from '../../src/cli/commands/development-only';
import { prebuiltBundlePath, workflowCodeForWorker } from '../../src/worker/workflow-bundle';

function program(load?: Parameters<typeof registerDevelopmentCommands>[1]): Command {
  const p = new Command().exitOverride();
  p.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerDevelopmentCommands(p, load);
  return p;
}

describe('development-only commands', () => {
  it('are the real commands where their modules load (a development checkout)', () => {
    const emulator = program().commands.find((c) => c.name() === 'emulator');
    expect(emulator?.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--port', '--users', '--seed']));
    expect(
      program()
        .commands.find((c) => c.name() === 'demo')
        ?.options.map((o) => o.long),
    ).toContain('--interactive');
  });

  it.each(['emulator', 'demo'])('%s says it is development-only where the build left it out', async (name) => {
    const production = program(() => undefined);
    expect(production.commands.find((c) => c.name() === name)?.description()).toMatch(/not in this install/);
    // Any options the documented command takes still reach the message, not "unknown option".
    const run = production.parseAsync(['node', 'gcsync', name, '--port', '0', '--users', '5'], { from: 'node' });
    await expect(run).rejects.toThrow(DevelopmentOnlyError);
    await expect(run).rejects.toThrow(`${name} is development-only`);
  });
});

describe('workflow code for the worker', () => {
  it('looks for dist/workflow-bundle.js only when running compiled code', () => {
    expect(prebuiltBundlePath('/app/dist/src/worker/workflow-bundle.js')).toBe('/app/dist/workflow-bundle.js');
    expect(prebuiltBundlePath('/repo/src/worker/workflow-bundle.ts')).toBeUndefined();
  });

  it('loads a prebuilt bundle by path instead of bundling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcsync-bundle-'));
    try {
      const path = join(dir, 'workflow-bundle.js');
      writeFileSync(path, '/* bundle */');
      expect(await workflowCodeForWorker(path)).toEqual({
        workflowBundle: { codePath: path },
        source: `prebuilt bundle ${path}`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
