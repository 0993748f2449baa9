/**
 * Static checks of the Dockerfile and .dockerignore (no Docker engine needed), read with dockerfile-ast (the parser
 * behind the Dockerfile language server): Node 22 LTS on Debian (the Temporal SDK's native core needs glibc), a
 * production install (npm ci from the lockfile, build, prune the devDependencies; the runtime stage installs
 * nothing), every input of `npm run build` copied in, no secret in ENV/ARG, a non-root runtime user, and an
 * ENTRYPOINT that runs the compiled CLI where the build writes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { buildProgram } from '../../src/cli/main';

const ROOT = resolve(__dirname, '../..');

interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));

/** Build stages in order, each with the instructions after its FROM. */
const stages: Stage[] = dockerfile.getFROMs().map((from, i, froms) => {
  const start = from.getRange().start.line;
  const end = froms[i + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
  return {
    image: from.getImage() ?? '',
    name: from.getBuildStage() ?? undefined,
    instructions: dockerfile.getInstructions().filter((ins) => {
      const line = ins.getRange().start.line;
      return line > start && line < end;
    }),
  };
});
const runtime = stages[stages.length - 1];
const stageNames = new Set(stages.map((s) => s.name).filter((n): n is string => n !== undefined));

const of = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((i) => i.getKeyword() === keyword);
const args = (ins: Instruction): string => ins.getArgumentsContent() ?? '';
const copyFrom = (ins: Instruction): string | undefined =>
  ins instanceof Copy ? (ins.getFromFlag()?.getValue() ?? undefined) : undefined;
/** Sources of a COPY/ADD from the build context (the last argument is the destination). */
const contextSources = (stage: Stage): string[] =>
  [...of(stage, 'COPY'), ...of(stage, 'ADD')]
    .filter((i) => copyFrom(i) === undefined)
    .flatMap((i) =>
      i
        .getArguments()
        .slice(0, -1)
        .map((a) => a.getValue().replace(/^\.\//, '').replace(/\/$/, '')),
    );
const execForm = (ins: Instruction | undefined): string[] => {
  if (!ins) return [];
  const parsed: unknown = JSON.parse(args(ins)); // throws on the shell form, which would not receive signals
  if (!Array.isArray(parsed)) throw new Error(`${ins.getKeyword()} is not in exec form`);
  return parsed.map(String);
};
const workdir = (stage: Stage): string => of(stage, 'WORKDIR').reduce((dir, i) => posix.resolve(dir, args(i)), '/');

/** Names that hold a credential when they hold a value (`*_FILE` names hold a path to one instead). */
const SECRET_NAME = /(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

const readJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;
const packageJson = readJson('package.json') as { engines?: { node?: string }; scripts: Record<string, string> };

describe('Dockerfile', () => {
  it('builds on Node 22 LTS, Debian bookworm slim, in every stage; package.json engines admits Node 22', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      if (stageNames.has(stage.image)) continue; // FROM an earlier stage
      expect(stage.image).toBe('node:22-bookworm-slim');
    }
    expect(packageJson.engines?.node).toMatch(/(>=|\^|~)\s*22\.\d+/);
  });

  it('installs for production: npm ci from the lockfile, build, then prune the devDependencies', () => {
    const builder = stages.find((s) => of(s, 'RUN').some((i) => /\bnpm ci\b/.test(args(i))));
    expect(builder).toBeDefined();
    const ins = builder!.instructions;
    const at = (test: (i: Instruction) => boolean) => ins.findIndex(test);
    const lockCopied = at((i) => i.getKeyword() === 'COPY' && /\bpackage-lock\.json\b/.test(args(i)));
    const npmCi = at((i) => i.getKeyword() === 'RUN' && /\bnpm ci\b/.test(args(i)));
    const build = at((i) => i.getKeyword() === 'RUN' && /\bnpm run build\b/.test(args(i)));
    const prune = at((i) => i.getKeyword() === 'RUN' && /\bnpm prune --omit=dev\b/.test(args(i)));
    expect(lockCopied).toBeGreaterThanOrEqual(0);
    expect([lockCopied < npmCi, npmCi < build, build <= prune]).toEqual([true, true, true]);
    // In a shared RUN the prune comes after the build (which needs tsc and tsx).
    if (build === prune)
      expect(args(ins[prune]).indexOf('npm prune')).toBeGreaterThan(args(ins[build]).indexOf('npm run build'));
    expect(ins.slice(prune + 1).filter((i) => i.getKeyword() === 'RUN' && /\bnpm\b/.test(args(i)))).toEqual([]);

    // The runtime stage takes node_modules and dist from that stage and installs or compiles nothing itself.
    const fromBuilder = of(runtime, 'COPY').filter((i) => copyFrom(i) === builder!.name);
    expect(fromBuilder.map((i) => i.getArguments().at(-1)!.getValue())).toEqual(
      expect.arrayContaining(['./node_modules', './dist']),
    );
    expect(of(runtime, 'RUN').filter((i) => /\b(npm|npx|yarn|pnpm|tsc)\b/.test(args(i)))).toEqual([]);
    const env = Object.fromEntries(
      dockerfile
        .getENVs()
        .filter((e) => runtime.instructions.includes(e))
        .flatMap((e) => e.getProperties().map((p) => [p.getName(), p.getValue()])),
    );
    expect(env.NODE_ENV).toBe('production');
    // Issue 9: the measured heap cap that keeps a 200k-user run's worker under 1 GiB is the image's default.
    expect(env.NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
  });

  it('copies every input of `npm run build` into the build stage, and only files in the build context', () => {
    const builder = stages.find((s) => of(s, 'RUN').some((i) => /\bnpm run build\b/.test(args(i))))!;
    const include = (readJson('tsconfig.build.json').include as string[] | undefined) ?? [];
    // Scripts the build script runs, and scripts the stage's RUN lines run themselves.
    const named = [packageJson.scripts.build, ...of(builder, 'RUN').map(args)].join(' ');
    const scripts = named.match(/\bscripts\/[\w.-]+/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    const copied = contextSources(builder);
    const covered = (path: string) => copied.some((c) => path === c || path.startsWith(`${c}/`));
    for (const input of [...include, ...scripts, 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
      expect({ input, copied: covered(input) }).toEqual({ input, copied: true });
    }
    const ignored = dockerignore();
    for (const stage of stages) {
      for (const source of contextSources(stage)) {
        expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
        expect({ source, ignored: ignored.has(source.split('/')[0]) }).toEqual({ source, ignored: false });
      }
    }
  });

  it('runs as a non-root user, set after the last RUN', () => {
    const user = of(runtime, 'USER').at(-1);
    expect(['root', '0', undefined]).not.toContain(user && args(user).split(':')[0]);
    const index = (i: Instruction | undefined) => (i ? runtime.instructions.indexOf(i) : -1);
    expect(index(user)).toBeGreaterThan(index(of(runtime, 'RUN').at(-1)));
  });

  it('bakes no secret into ENV or ARG and copies no secret file', () => {
    const names = [
      ...dockerfile.getENVs().flatMap((e) => e.getProperties().map((p) => p.getName())),
      // Build args end up in the image history even without a default: never pass credentials this way.
      ...[...dockerfile.getInitialARGs(), ...dockerfile.getARGs()].flatMap((a) =>
        a.getProperties().map((p) => p.getName()),
      ),
    ];
    expect(names.filter((n) => !/_FILE$/i.test(n) && SECRET_NAME.test(n))).toEqual([]);
    const copied = stages.flatMap(contextSources);
    expect(copied.filter((s) => /^(secrets|\.env|\.gcsync)\b/.test(s))).toEqual([]);
  });

  it('ENTRYPOINT runs the compiled CLI where the build writes it; CMD is a gcsync command', () => {
    const tsconfig = readJson('tsconfig.json').compilerOptions as { outDir: string; rootDir: string };
    const compiled = posix.join(tsconfig.outDir, posix.relative(tsconfig.rootDir, 'src/cli/main.ts'));
    expect(compiled.replace(/\.ts$/, '.js')).toBe('dist/src/cli/main.js');
    // The CLI starts itself when run as a script (`node dist/src/cli/main.js …`).
    expect(readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8')).toMatch(
      /if \(require\.main === module\) main\(process\.argv\)/,
    );
    const entrypoint = execForm(dockerfile.getENTRYPOINTs().at(-1));
    expect(entrypoint[0]).toBe('node');
    expect(posix.resolve(workdir(runtime), entrypoint[1])).toBe(
      posix.resolve(workdir(runtime), 'dist/src/cli/main.js'),
    );
    const cmd = execForm(dockerfile.getCMDs().at(-1));
    expect(buildProgram().commands.map((c) => c.name())).toContain(cmd[0]);
  });
});

/** Top-level names excluded by .dockerignore (exact entries, without leading `/` or trailing `/`). */
function dockerignore(): Set<string> {
  const path = join(ROOT, '.dockerignore');
  if (!existsSync(path)) return new Set();
  return new Set(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
      .map((l) => l.replace(/^\/|\/$/g, '').replace(/^\*\*\//, '')),
  );
}

describe('.dockerignore', () => {
  it('exists and keeps node_modules, .git, secrets and local state out of the build context', () => {
    expect(existsSync(join(ROOT, '.dockerignore'))).toBe(true);
    expect([...dockerignore()]).toEqual(expect.arrayContaining(['node_modules', '.git', 'secrets', '.gcsync', '.env']));
    // Negations could re-include what the entries above exclude.
    const text = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
    expect(text.split('\n').filter((l) => /^!\s*(node_modules|\.git|secrets|\.gcsync|\.env)/.test(l.trim()))).toEqual(
      [],
    );
  });
});
