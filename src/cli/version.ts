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
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error(`package.json of ${PACKAGE_NAME} not found above ${from}`);
  }
}
