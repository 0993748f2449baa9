#!/usr/bin/env node
/**
 * `gcsync` command-line entry point. Each sub-command lives in its own file under `src/cli/commands/`
 * and registers itself on the program here.
 */
import { Command } from 'commander';
import { registerApproveCommand } from './commands/approve';
import { registerAuditCommand } from './commands/audit';
import { registerDevelopmentCommands } from './commands/development-only';
import { registerExplainCommand } from './commands/explain';
import { registerListCommand } from './commands/list';
import { registerPlanCommand } from './commands/plan';
import { registerRejectCommand } from './commands/reject';
import { registerRunCommand } from './commands/run';
import { registerScheduleCommand } from './commands/schedule';
import { registerServeCommand } from './commands/serve';
import { registerStatusCommand } from './commands/status';
import { registerValidateCommand } from './commands/validate';
import { registerWorkerCommand } from './commands/worker';
import { packageVersion } from './version';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('gcsync')
    .description('Keep Genesys Cloud group memberships equal to declarative rules, durably, on Temporal.')
    .version(packageVersion(), '-V, --version', 'print the gcsync version')
    .showHelpAfterError();
  // Sub-commands register here (one line each).
  registerValidateCommand(program);
  registerPlanCommand(program);
  registerExplainCommand(program);
  registerRunCommand(program);
  registerStatusCommand(program);
  registerListCommand(program);
  registerApproveCommand(program);
  registerRejectCommand(program);
  registerScheduleCommand(program);
  registerAuditCommand(program);
  registerServeCommand(program);
  registerWorkerCommand(program);
  registerDevelopmentCommands(program); // emulator, demo: development checkout only
  return program;
}

/** Runs the CLI; exits 1 with a one-line message on an unexpected error (no stack trace for operators). */
export function main(argv: string[]): void {
  // `gcsync audit export | head` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  buildProgram()
    .parseAsync(argv)
    .catch((err: unknown) => {
      console.error(`gcsync: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}

if (require.main === module) main(process.argv);
