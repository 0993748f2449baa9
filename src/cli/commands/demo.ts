/** `gcsync demo`: runs the whole product on this machine (emulator, Temporal dev server + UI, worker). */
import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run a plan and an approved apply against a seeded Genesys emulator on a local Temporal dev server')
    .option('--interactive', 'wait for you to approve in the Web UI or with gcsync approve', false)
    .option('--rules <file>', 'rules file', 'examples/rules.yaml')
    .option('--dir <folder>', 'where the audit log and data go (default ./.gcsync/demo-<time>)')
    .option('--ui-port <port>', 'Web UI port (default: a free port)', (v) => Number.parseInt(v, 10))
    .addHelpText(
      'after',
      `
Examples:
  $ npm run demo
  $ gcsync demo --interactive --ui-port 8233     # approve in the Web UI yourself`,
    )
    .action(async (opts: { interactive: boolean; rules: string; dir?: string; uiPort?: number }) => {
      process.exitCode = await runDemo(opts);
    });
}
