/**
 * Static checks of the Dockerfile and .dockerignore (no Docker engine needed): a multi-stage build on Debian-based
 * Node images (the Temporal SDK's native core needs glibc), `npm ci` from the lockfile, every folder the build
 * compiles copied in, no secret in ENV/ARG, a non-root runtime user, and an ENTRYPOINT that runs the compiled CLI
 * where `npm run build` puts it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { buildProgram } from '../../src/cli/main';

const ROOT = resolve(__dirname, '../..');

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions in order: comments dropped, `\`-continued lines joined, keywords upper-cased. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full === '') continue;
    const [keyword] = full.split(/\s/, 1);
    out.push({ keyword: keyword.toUpperCase(), args: full.slice(keyword.length).trim() });
  }
  if (pending.trim()) throw new Error('Dockerfile ends inside a continued line');
  return out;
}

function stages(list: Instruction[]): Stage[] {
  const result: Stage[] = [];
  for (const ins of list) {
    if (ins.keyword === 'FROM') {
      const m = ins.args.match(/^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i);
      if (!m) throw new Error(`cannot read FROM ${ins.args}`);
      result.push({ image: m[1], name: m[2], instructions: [] });
    } else if (result.length > 0) {
      result[result.length - 1].instructions.push(ins);
    } else if (ins.keyword !== 'ARG') {
      throw new Error(`${ins.keyword} before the first FROM`);
    }
  }
  return result;
}

/** `ENV a=1 b=2` / `ENV a 1` → names and values. */
function envPairs(args: string): [string, string][] {
  if (!/^\S+=/.test(args)) {
    const [name, ...rest] = args.split(/\s+/);
    return [[name, rest.join(' ')]];
  }
  return [...args.matchAll(/(\S+?)=("[^"]*"|'[^']*'|\S*)/g)].map((m) => [m[1], m[2].replace(/^["']|["']$/g, '')]);
}

/** Source paths of `COPY`/`ADD` without `--from` (flags dropped; the last word is the destination). */
function contextSources(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !/--from=/.test(i.args))
    .flatMap((i) => {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      return parts.slice(0, -1);
    });
}

function workdir(stage: Stage): string {
  let dir = '/';
  for (const i of stage.instructions) if (i.keyword === 'WORKDIR') dir = posix.resolve(dir, i.args);
  return dir;
}

function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

function execForm(ins: Instruction | undefined): string[] {
  if (!ins) return [];
  const parsed: unknown = JSON.parse(ins.args); // throws on the shell form, which would not receive signals
  if (!Array.isArray(parsed)) throw new Error(`${ins.keyword} is not in exec form`);
  return parsed.map(String);
}

/** Names that hold a credential when they hold a value (`*_FILE` names hold a path to one instead). */
const SECRET_NAME = /(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const allStages = stages(instructions(dockerfile));
const stageNames = new Set(allStages.map((s) => s.name).filter(Boolean));
const runtime = allStages[allStages.length - 1];
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines?: { node?: string };
  scripts: Record<string, string>;
};
const readJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;

describe('Dockerfile', () => {
  it('is a multi-stage build whose runtime stage copies the build output from an earlier stage', () => {
    expect(allStages.length).toBeGreaterThanOrEqual(2);
    const fromStages = runtime.instructions
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args.match(/--from=(\S+)/)?.[1])
      .filter((s): s is string => s !== undefined);
    expect(fromStages.length).toBeGreaterThan(0);
    for (const s of fromStages) expect([...stageNames]).toContain(s);
    // No toolchain or source in the runtime stage: it neither installs nor compiles.
    expect(
      runtime.instructions.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install|run build)\b/.test(i.args)),
    ).toEqual([]);
  });

  it('builds on Debian-based Node images (bookworm / slim, not Alpine) at least as new as engines.node', () => {
    const minMajor = Number(packageJson.engines?.node?.match(/(\d+)/)?.[1] ?? 0);
    for (const stage of allStages) {
      if (stageNames.has(stage.image)) continue; // FROM an earlier stage
      expect(stage.image).toMatch(/^node:[^@\s]*(bookworm|slim)/);
      expect(stage.image).not.toMatch(/alpine/i);
      const major = Number(stage.image.match(/^node:(\d+)/)?.[1]);
      expect(major).toBeGreaterThanOrEqual(minMajor);
    }
  });

  it('installs dependencies with npm ci from the copied lockfile', () => {
    const build = allStages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args)));
    expect(build).toBeDefined();
    const ins = build!.instructions;
    const lockCopied = ins.findIndex((i) => i.keyword === 'COPY' && /\bpackage-lock\.json\b/.test(i.args));
    const npmCi = ins.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(lockCopied).toBeGreaterThanOrEqual(0);
    expect(lockCopied).toBeLessThan(npmCi);
    for (const stage of allStages) {
      for (const i of stage.instructions) if (i.keyword === 'RUN') expect(i.args).not.toMatch(/\bnpm (install|i)\b/);
    }
  });

  it('copies every folder `npm run build` compiles, and only files present in the build context', () => {
    expect(packageJson.scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
    const include = (readJson('tsconfig.build.json').include as string[] | undefined) ?? [];
    const build = allStages.find((s) =>
      s.instructions.some((i) => i.keyword === 'RUN' && /npm run build/.test(i.args)),
    );
    expect(build).toBeDefined();
    const copied = contextSources(build!).map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''));
    expect(copied).toEqual(expect.arrayContaining([...include, 'tsconfig.json', 'tsconfig.build.json']));

    const ignored = dockerignore();
    for (const stage of allStages) {
      for (const source of contextSources(stage)) {
        const path = source.replace(/^\.\//, '').replace(/\/$/, '');
        expect({ source, exists: existsSync(join(ROOT, path)) }).toEqual({ source, exists: true });
        expect({ source, ignored: ignored.has(path.split('/')[0]) }).toEqual({ source, ignored: false });
      }
    }
  });

  it('runs as a non-root user', () => {
    const user = last(runtime, 'USER')?.args.split(':')[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    // USER comes after the last RUN of the runtime stage, so nothing runs as root afterwards.
    const index = (i: Instruction | undefined) => (i ? runtime.instructions.indexOf(i) : -1);
    expect(index(last(runtime, 'USER'))).toBeGreaterThan(index(last(runtime, 'RUN')));
  });

  it('bakes no secret into ENV or ARG', () => {
    for (const stage of allStages) {
      for (const i of stage.instructions) {
        if (i.keyword === 'ENV') {
          for (const [name, value] of envPairs(i.args)) {
            if (/_FILE$/i.test(name)) continue; // a path to a mounted secret
            expect({ name, secretLooking: SECRET_NAME.test(name), value }).toEqual({
              name,
              secretLooking: false,
              value,
            });
          }
        }
        if (i.keyword === 'ARG') {
          const name = i.args.split('=')[0];
          // Build args end up in the image history even without a default: never pass credentials this way.
          expect({ name, secretLooking: SECRET_NAME.test(name) }).toEqual({ name, secretLooking: false });
        }
      }
    }
    for (const stage of allStages) {
      const copied = contextSources(stage).map((s) => s.replace(/^\.\//, ''));
      expect(copied.filter((s) => /^(secrets|\.env|\.gcsync)\b/.test(s))).toEqual([]);
    }
  });

  it('ENTRYPOINT runs the compiled CLI where the build writes it; CMD is a gcsync command', () => {
    const tsconfig = readJson('tsconfig.json').compilerOptions as { outDir: string; rootDir: string };
    const build = readJson('tsconfig.build.json').compilerOptions as { outDir?: string; rootDir?: string } | undefined;
    const outDir = build?.outDir ?? tsconfig.outDir;
    const rootDir = build?.rootDir ?? tsconfig.rootDir;
    const source = 'src/cli/main.ts';
    expect(existsSync(join(ROOT, source))).toBe(true);
    // The CLI starts itself when run as a script (`node dist/src/cli/main.js …`).
    expect(readFileSync(join(ROOT, source), 'utf8')).toMatch(/if \(require\.main === module\) main\(process\.argv\)/);
    const compiled = posix.join(outDir, posix.relative(rootDir, source)).replace(/\.ts$/, '.js');
    expect(compiled).toBe('dist/src/cli/main.js');

    const entrypoint = execForm(last(runtime, 'ENTRYPOINT'));
    expect(entrypoint[0]).toBe('node');
    expect(posix.resolve(workdir(runtime), entrypoint[1])).toBe(posix.resolve(workdir(runtime), compiled));
    // …and that file is there: the runtime stage copies the build's output folder to the same place.
    const copiesOut = runtime.instructions.some(
      (i) =>
        i.keyword === 'COPY' &&
        /--from=/.test(i.args) &&
        posix.resolve(workdir(runtime), i.args.split(/\s+/).at(-1)!) === posix.resolve(workdir(runtime), outDir),
    );
    expect(copiesOut).toBe(true);

    const cmd = execForm(last(runtime, 'CMD'));
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
