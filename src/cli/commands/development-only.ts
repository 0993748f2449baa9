/**
 * Commands that exist only in a development checkout. The Genesys emulator, the demo and the Temporal dev-server
 * helper they start are test tooling: `npm run build` leaves them out (tsconfig.build.json), so the production
 * build and image do not hold them. Their modules are therefore loaded when present instead of imported; where they
 * are absent the command still exists, to say why it cannot run rather than "unknown command".
 */
import type { Command } from 'commander';

/** A command whose implementation ships only with the development checkout. */
interface DevelopmentCommand {
  name: string;
  description: string;
  /** Module in this folder that exports `register`. */
  module: string;
  register: string;
}

const DEVELOPMENT_COMMANDS: readonly DevelopmentCommand[] = [
  {
    name: 'emulator',
    description: 'Run a local Genesys Cloud API emulator (development checkout only)',
    module: './emulator',
    register: 'registerEmulatorCommand',
  },
  {
    name: 'demo',
    description: 'Run the demo against a seeded emulator and a Temporal dev server (development checkout only)',
    module: './demo',
    register: 'registerDemoCommand',
  },
];

/** Loads a module of this folder, or undefined when the build left it out. */
export type ModuleLoader = (module: string) => Record<string, unknown> | undefined;

/** Thrown by a development command run from a production install. */
export class DevelopmentOnlyError extends Error {
  constructor(readonly command: string) {
    super(
      `${command} is development-only: this install holds the production build, which leaves out the ` +
        `Genesys emulator, the demo and the Temporal dev-server helper. Run it from a development checkout ` +
        `(npm ci, then npx gcsync ${command}).`,
    );
    this.name = 'DevelopmentOnlyError';
  }
}

/** Registers `gcsync emulator` and `gcsync demo`: the real commands when their modules are there, else stubs. */
export function registerDevelopmentCommands(program: Command, load: ModuleLoader = loadSibling): void {
  for (const c of DEVELOPMENT_COMMANDS) {
    const register = load(c.module)?.[c.register];
    if (typeof register === 'function') {
      (register as (program: Command) => void)(program);
      continue;
    }
    program
      .command(c.name)
      .description(`${c.description}; not in this install`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new DevelopmentOnlyError(c.name);
      });
  }
}

function loadSibling(module: string): Record<string, unknown> | undefined {
  let path: string;
  try {
    path = require.resolve(module);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
  // A plain require, not an import: tsc would otherwise pull the emulator and the demo into the production build.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as Record<string, unknown>;
}
