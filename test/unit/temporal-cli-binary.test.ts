import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  findTemporalCli,
  type FindTemporalCliOptions,
  TemporalCliError,
  temporalCliCachePath,
} from '../../src/temporal/cli-binary';

// Fake `go`: records each call, takes a moment (so concurrent callers overlap), then "builds" a runnable binary.
// Absolute paths for utilities because the tests run with a PATH that holds only the fake tools.
const FAKE_GO = `#!/bin/sh
echo "$*" >> "$FAKE_GO_CALLS"
/bin/sleep 0.5
case "$*" in *github.com/temporalio/cli/cmd/temporal@v1.5.1*) ;; *) echo "unexpected args: $*" >&2; exit 2;; esac
if [ -n "$FAKE_GO_FAIL" ]; then echo "compile error: boom" >&2; exit 1; fi
printf '#!/bin/sh\\necho temporal version 1.5.1\\n' > "$GOBIN/temporal"
/bin/chmod +x "$GOBIN/temporal"
`;

describe('findTemporalCli', () => {
  let root: string;
  let bin: string;
  let cacheDir: string;
  let log: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'gcsync-cli-'));
    bin = path.join(root, 'bin');
    cacheDir = path.join(root, 'cache');
    await mkdir(bin);
    log = '';
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function options(env: NodeJS.ProcessEnv, extra: FindTemporalCliOptions = {}): FindTemporalCliOptions {
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => (log += chunk.toString()));
    return {
      env: { HOME: root, PATH: bin, GCSYNC_CACHE_DIR: cacheDir, FAKE_GO_CALLS: path.join(root, 'go-calls'), ...env },
      goFallbacks: [],
      output,
      ...extra,
    };
  }

  async function executable(file: string, body = '#!/bin/sh\necho temporal version test\n'): Promise<string> {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
    await chmod(file, 0o755);
    return file;
  }

  it('prefers TEMPORAL_CLI_PATH over PATH and the cache', async () => {
    const explicit = await executable(path.join(root, 'custom', 'temporal'));
    await executable(path.join(bin, 'temporal'));
    await executable(temporalCliCachePath({ GCSYNC_CACHE_DIR: cacheDir }));

    await expect(findTemporalCli(options({ TEMPORAL_CLI_PATH: explicit }))).resolves.toEqual({
      path: explicit,
      source: 'env',
    });
    expect(log).toBe(`[temporal-cli] using ${explicit} (source: env)\n`);
  });

  it('fails loudly when TEMPORAL_CLI_PATH is not an executable file', async () => {
    const notExecutable = path.join(root, 'temporal.txt');
    await writeFile(notExecutable, 'nope');
    await expect(findTemporalCli(options({ TEMPORAL_CLI_PATH: notExecutable }))).rejects.toThrow(TemporalCliError);
    await expect(findTemporalCli(options({ TEMPORAL_CLI_PATH: path.join(root, 'missing') }))).rejects.toThrow(
      /TEMPORAL_CLI_PATH=.*missing is not an executable file/,
    );
  });

  it('uses temporal on PATH before the cache, skipping non-executable entries', async () => {
    const empty = path.join(root, 'other');
    await mkdir(empty);
    await writeFile(path.join(empty, 'temporal'), 'not executable');
    const onPath = await executable(path.join(bin, 'temporal'));
    await executable(temporalCliCachePath({ GCSYNC_CACHE_DIR: cacheDir }));

    const found = await findTemporalCli(options({ PATH: `${empty}${path.delimiter}${bin}` }));
    expect(found).toEqual({ path: onPath, source: 'path' });
  });

  it('uses the cached build under GCSYNC_CACHE_DIR', async () => {
    const cached = await executable(path.join(cacheDir, 'temporal-cli', 'v1.5.1', 'temporal'));
    await expect(findTemporalCli(options({}))).resolves.toEqual({ path: cached, source: 'cache' });
  });

  it('defaults the cache to ~/.cache/genesys-group-sync', () => {
    expect(temporalCliCachePath({ HOME: '/home/x' })).toBe(
      '/home/x/.cache/genesys-group-sync/temporal-cli/v1.5.1/temporal',
    );
  });

  it('builds once with go when two callers race, and never exposes a partial binary', async () => {
    await executable(path.join(bin, 'go'), FAKE_GO);
    const [a, b] = await Promise.all([findTemporalCli(options({})), findTemporalCli(options({}))]);
    const target = temporalCliCachePath({ GCSYNC_CACHE_DIR: cacheDir });

    expect(a).toEqual({ path: target, source: 'built' });
    expect(b).toEqual({ path: target, source: 'built' });
    const calls = (await readFile(path.join(root, 'go-calls'), 'utf8')).trim().split('\n');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('-X github.com/temporalio/cli/temporalcli.Version=1.5.1');
    // Only the binary is left: no scratch folders, no lock.
    expect(await readdir(path.dirname(target))).toEqual(['temporal']);

    await expect(findTemporalCli(options({}))).resolves.toEqual({ path: target, source: 'cache' });
  });

  it('reports a failed build with the compiler output and leaves nothing behind', async () => {
    await executable(path.join(bin, 'go'), FAKE_GO);
    await expect(findTemporalCli(options({ FAKE_GO_FAIL: '1' }))).rejects.toThrow(/go install failed[\s\S]*boom/);
    const target = temporalCliCachePath({ GCSYNC_CACHE_DIR: cacheDir });
    expect(await readdir(path.dirname(target))).toEqual([]);
  });

  it('finds go in the fallback locations when it is not on PATH', async () => {
    const go = await executable(path.join(root, 'go-home', 'bin', 'go'), FAKE_GO);
    const found = await findTemporalCli(options({}, { goFallbacks: [path.join(root, 'nope'), go] }));
    expect(found.source).toBe('built');
  });

  it('falls back to sdk-download when there is no binary and no Go', async () => {
    await expect(findTemporalCli(options({}))).resolves.toEqual({ path: '', source: 'sdk-download' });
    expect(log).toContain('(source: sdk-download)');
  });

  it('does not build when building is disabled', async () => {
    await executable(path.join(bin, 'go'), FAKE_GO);
    await expect(findTemporalCli(options({}, { allowBuild: false }))).resolves.toEqual({
      path: '',
      source: 'sdk-download',
    });
  });
});
