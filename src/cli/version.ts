/** The package version for `gcsync --version`, read from package.json wherever the CLI runs from. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'genesys-group-sync';

/**
 * The `version` of this project's package.json. The file is found by walking up from this module, because the
 * relative path differs between the sources (`src/cli`, run by tsx) and the compiled image (`dist/src/cli`).
 *
 * @throws Error when no package.json of this project is found above this module.
 */
export function packageVersion(from: string = __dirname): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(from), 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`package.json of ${PACKAGE_NAME} has no version`);
  return pkg.version;
}

/**
 * The folder of this project's package.json (the clone's root, where `npx gcsync` works).
 *
 * @throws Error when no package.json of this project is found above `from`.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return dir;
    }
    if (dirname(dir) === dir) throw new Error(`package.json of ${PACKAGE_NAME} not found above ${from}`);
  }
}
