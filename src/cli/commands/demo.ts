/** `gcsync demo`: runs the whole product on this machine (emulator, Temporal dev server + UI, worker). */
import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run a plan and an approved apply against a seeded Genesys emulator on a local Temporal dev server')
    .option(
      '--interactive',
      'wait for you to approve (Web UI or the printed command), and keep everything running until Ctrl-C',
    )
    .option('--rules <file>', 'rules file', 'examples/rules.yaml')
    .option('--dir <folder>', 'where the audit log and data go (default ./.gcsync/demo-<time>)')
    .option('--ui-port <port>', 'Web UI port (default: a free port)', (v) => Number.parseInt(v, 10))
    .addHelpText(
      'after',
      `
Examples:
  $ npm run demo
  $ npm run demo -- --interactive
  $ npx gcsync demo --interactive --ui-port 8233     # approve yourself; Ctrl-C stops the stack`,
    )
    .action(async (opts: { interactive?: boolean; rules: string; dir?: string; uiPort?: number }) => {
      process.exitCode = await runDemo({ ...opts, interactive: opts.interactive === true });
    });
}
