/**
 * Static checks of docker-compose.yml, so the stack cannot silently rot on a machine without a Docker engine: the
 * file is valid against the Compose Specification's JSON schema (test/support/compose-schema.ts), and then the
 * meaning the schema cannot see: services and images, the depends_on graph and its conditions, health checks,
 * loopback-only ports, the environment of the worker and HTTP service, secrets handling, documentation of every
 * variable, the files the stack mounts and runs, and the search attributes the namespace job registers (compared
 * with workflows/search-attributes.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/main';
import { DEFAULT_TASK_QUEUE } from '../../workflows/messages';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import {
  composeValidator,
  describeSchemaErrors,
  type ComposeFile,
  type ComposeService as Service,
} from '../support/compose-schema';

const ROOT = resolve(__dirname, '../..');
const COMPOSE_PATH = join(ROOT, 'docker-compose.yml');
const composeText = readFileSync(COMPOSE_PATH, 'utf8');

// `merge: true` resolves the `<<: *gcsync-env` merge keys the way Compose does.
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = compose.services ?? {};

const SERVICES = ['postgres', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'worker', 'http'];
const OFFICIAL_IMAGES: Record<string, RegExp> = {
  postgres: /^postgres:/,
  'temporal-schema': /^temporalio\/admin-tools:/,
  temporal: /^temporalio\/server:/,
  'temporal-namespace': /^temporalio\/admin-tools:/,
  'temporal-ui': /^temporalio\/ui:/,
};
const HEALTHCHECKED = ['postgres', 'temporal', 'temporal-ui', 'worker', 'http'];
const GCSYNC_SERVICES = ['worker', 'http'];
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];
/** Names that hold a credential when they hold a value (`*_FILE` names hold a path to one instead). */
const SECRET_NAME = /(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;
/** A bare reference to a variable with no literal fallback: `${VAR}`, `${VAR?msg}`, `${VAR:?msg}`. */
const BARE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}$/;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

function environment(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function dependsOn(s: Service): Record<string, string> {
  const deps = s.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v.condition]));
}

function words(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : value.split(/\s+/).filter(Boolean);
}

/** `${VAR:-default}` / `${VAR-default}` → default, `${VAR}` → '' (for paths whose existence we check). */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?[^}]*\}/g, (_m, def: string | undefined) => def ?? '');
}

interface BindMount {
  source: string;
  target: string;
}

/** Bind mounts of a service (short and long syntax); named volumes are left out. */
function bindMounts(s: Service): BindMount[] {
  const mounts: BindMount[] = [];
  for (const v of s.volumes ?? []) {
    if (typeof v === 'string') {
      // Defaults first: `${GCSYNC_RULES_PATH:-./examples/rules.yaml}:/etc/gcsync/rules.yaml:ro` has a colon inside.
      const [source, target] = withDefaults(v).split(':');
      if (source.startsWith('.') || source.startsWith('/')) mounts.push({ source, target });
    } else if ((v.type ?? 'volume') === 'bind' && v.source && v.target) {
      mounts.push({ source: withDefaults(v.source), target: v.target });
    }
  }
  return mounts;
}

/** Host path behind an absolute container path, when a bind mount provides it. */
function hostPath(s: Service, containerPath: string): string | undefined {
  for (const m of bindMounts(s)) {
    if (containerPath === m.target) return resolve(ROOT, m.source);
    if (containerPath.startsWith(`${m.target}/`))
      return resolve(ROOT, m.source, containerPath.slice(m.target.length + 1));
  }
  return undefined;
}

/** Every `${NAME…}` the file interpolates (`$${…}` is an escaped literal, left to the container's shell). */
function interpolatedVariables(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const m of composeText.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}/g)) {
    found.set(m[1], [...(found.get(m[1]) ?? []), m[2]]);
  }
  return found;
}

/** Every scalar of the document with its mapping key, anchors and extensions (`x-…`) included. */
function* keyedScalars(node: unknown, path: string[] = []): Generator<{ key: string; value: string; path: string }> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* keyedScalars(item, [...path, String(i)]);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (v !== null && typeof v === 'object') yield* keyedScalars(v, [...path, k]);
      else if (v !== null && v !== undefined) yield { key: k, value: String(v), path: [...path, k].join('.') };
    }
  }
}

const gcsyncCommands = buildProgram().commands.map((c) => c.name());

/** docker-compose.yml and any Compose file under deploy/ (compose*.yml, *-compose.yml, …). */
function composeFiles(): string[] {
  const found: string[] = [COMPOSE_PATH];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/(^|[-.])compose([-.][\w-]+)?\.ya?ml$/.test(entry.name)) found.push(path);
    }
  };
  walk(join(ROOT, 'deploy'));
  return found;
}

describe('Compose Specification schema', () => {
  const validate = composeValidator();

  it.each(composeFiles().map((f) => [f.slice(ROOT.length + 1), f]))('%s is valid', (_name, file) => {
    const doc: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
    expect(describeSchemaErrors(validate(doc))).toEqual([]);
  });

  it('rejects what Compose would reject: an unknown key, a misspelt condition, a bad duration', () => {
    const broken = (patch: (s: Service) => Service): unknown => ({
      ...compose,
      services: { ...services, worker: patch(structuredClone(services.worker)) },
    });
    expect(validate(broken((s) => ({ ...s, restarts: 'always' })))).not.toEqual([]);
    expect(
      validate(
        broken((s) => ({ ...s, depends_on: { postgres: { condition: 'service_heathy' as 'service_healthy' } } })),
      ),
    ).not.toEqual([]);
    expect(validate(broken((s) => ({ ...s, healthcheck: { ...s.healthcheck, interval: '15 seconds' } })))).not.toEqual(
      [],
    );
    expect(validate({ ...compose, name: 'Not A Project Name' })).not.toEqual([]);
    expect(validate(compose)).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  it('defines the stack, every service with an image or a build', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(SERVICES));
    for (const [name, s] of Object.entries(services)) {
      expect({ name, hasImageOrBuild: Boolean(s.image || s.build) }).toEqual({ name, hasImageOrBuild: true });
    }
    // A service that reuses a locally built image must name one that another service builds (else Compose pulls it).
    const built = new Set(
      Object.values(services)
        .filter((s) => s.build && s.image)
        .map((s) => s.image),
    );
    for (const [name, s] of Object.entries(services)) {
      if (s.build || !s.image || OFFICIAL_IMAGES[name]) continue;
      expect({ name, image: s.image, builtHere: built.has(s.image) }).toEqual({
        name,
        image: s.image,
        builtHere: true,
      });
    }
    const build = service('worker').build;
    expect(typeof build === 'string' ? build : build?.context).toBe('.');
  });

  it('runs official infrastructure images with pinned tags; admin-tools matches the server version', () => {
    for (const [name, pattern] of Object.entries(OFFICIAL_IMAGES)) {
      const image = service(name).image ?? '';
      expect(image).toMatch(pattern);
      const tag = image.split(':')[1] ?? '';
      expect({ name, tag }).toEqual({ name, tag: expect.stringMatching(/^\d[\w.-]*$/) }); // not empty, not `latest`
    }
    // temporal-sql-tool (admin-tools) writes the schema the server expects: same release.
    const serverTag = service('temporal').image!.split(':')[1];
    expect(service('temporal-schema').image!.split(':')[1]).toBe(serverTag);
    expect(service('temporal-namespace').image!.split(':')[1]).toBe(serverTag);
  });

  it('orders start-up with a depends_on DAG whose conditions can all be met', () => {
    const oneShot = (s: Service) =>
      !s.healthcheck && !s.ports?.length && !['always', 'unless-stopped'].includes(s.restart ?? 'no');
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(s))) {
        const target = services[dep];
        expect({ name, dep, exists: Boolean(target) }).toEqual({ name, dep, exists: true });
        expect(CONDITIONS).toContain(condition);
        if (condition === 'service_healthy') {
          expect({ name, dep, healthcheck: Boolean(target.healthcheck && !target.healthcheck.disable) }).toEqual({
            name,
            dep,
            healthcheck: true,
          });
        }
        if (condition === 'service_completed_successfully') {
          expect({ name, dep, oneShotJob: oneShot(target) }).toEqual({ name, dep, oneShotJob: true });
        }
      }
    }
    // No cycle: a depth-first walk never meets a service it is still inside.
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, trail: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') throw new Error(`depends_on cycle: ${[...trail, name].join(' → ')}`);
      state.set(name, 'visiting');
      for (const dep of Object.keys(dependsOn(services[name] ?? {}))) visit(dep, [...trail, name]);
      state.set(name, 'done');
    };
    for (const name of Object.keys(services)) visit(name, []);

    // The edges that matter: schema before server, namespace + search attributes before anything uses them.
    expect(dependsOn(service('temporal-schema'))).toMatchObject({ postgres: 'service_healthy' });
    expect(dependsOn(service('temporal'))).toMatchObject({ 'temporal-schema': 'service_completed_successfully' });
    expect(dependsOn(service('temporal-namespace'))).toMatchObject({ temporal: 'service_healthy' });
    for (const name of GCSYNC_SERVICES) {
      expect(dependsOn(service(name))).toMatchObject({ 'temporal-namespace': 'service_completed_successfully' });
    }
    expect(dependsOn(service('worker'))).toMatchObject({ postgres: 'service_healthy' });
  });

  it('health-checks the long-running services, the gcsync ones on the endpoints they serve', () => {
    for (const name of HEALTHCHECKED) {
      const hc = service(name).healthcheck;
      expect({ name, test: words(hc?.test).length > 1, disabled: Boolean(hc?.disable) }).toEqual({
        name,
        test: true,
        disabled: false,
      });
    }
    const metricsPort = environment(service('worker')).GCSYNC_METRICS_ADDRESS?.split(':').at(-1);
    expect(metricsPort).toMatch(/^\d+$/);
    expect(words(service('worker').healthcheck?.test).join(' ')).toContain(`:${metricsPort}/metrics`);
    const httpCommand = words(service('http').command);
    const httpPort = httpCommand[httpCommand.indexOf('--port') + 1];
    expect(httpPort).toMatch(/^\d+$/);
    expect(words(service('http').healthcheck?.test).join(' ')).toContain(`:${httpPort}/healthz`);
  });

  it('publishes ports on 127.0.0.1 only', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const port of s.ports ?? []) {
        const hostIp = typeof port === 'object' ? port.host_ip : String(port).match(/^(.*):[^:]+:[^:]+$/)?.[1];
        expect({ name, port, hostIp }).toEqual({ name, port, hostIp: '127.0.0.1' });
      }
    }
  });

  it('gives the worker and the HTTP service Temporal, PostgreSQL and Genesys settings, and a gcsync command', () => {
    const initSql = readFileSync(hostPath(service('postgres'), '/docker-entrypoint-initdb.d/10-gcsync.sql')!, 'utf8');
    for (const name of GCSYNC_SERVICES) {
      const s = service(name);
      const env = environment(s);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.TEMPORAL_NAMESPACE).toBe(environment(service('temporal-namespace')).TEMPORAL_NAMESPACE);
      expect(env.GCSYNC_TASK_QUEUE).toBe(DEFAULT_TASK_QUEUE);

      const db = new URL(env.DATABASE_URL.replace(/\$\{[^}]*\}/g, 'x'));
      expect(db.protocol).toMatch(/^postgres(ql)?:$/);
      expect(services[db.hostname]).toBeDefined();
      const database = db.pathname.slice(1);
      expect(initSql).toMatch(new RegExp(`CREATE DATABASE ${database}\\b`, 'i'));

      expect('GENESYS_REGION' in env || 'GENESYS_API_URL' in env).toBe(true);
      expect(env.GENESYS_CLIENT_ID).toBeTruthy();
      expect(env.GENESYS_CLIENT_SECRET_FILE).toMatch(/^\/run\/secrets\//);
      expect(env.GENESYS_CLIENT_SECRET).toBeUndefined();

      // The rules the HTTP service and schedules refer to are mounted where the worker reads them.
      expect(hostPath(s, env.GCSYNC_RULES_FILE)).toBeDefined();
      expect(gcsyncCommands).toContain(words(s.command)[0]);
    }
    const rulesDir = environment(service('worker')).GCSYNC_RULES_DIR;
    if (rulesDir) expect(environment(service('worker')).GCSYNC_RULES_FILE.startsWith(`${rulesDir}/`)).toBe(true);
  });

  it('holds no literal secret: credentials come from secret files or ${VAR} without a default', () => {
    for (const { key, value, path } of keyedScalars(compose)) {
      if (/_FILE$/i.test(key)) continue; // a path, checked below
      if (SECRET_NAME.test(key))
        expect({ path, value }).toEqual({ path, value: expect.stringMatching(BARE_REFERENCE) });
      // Credentials inside URLs (postgres://user:password@host) follow the same rule.
      const password = value.match(/^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:(.+)@/i)?.[1];
      if (password !== undefined)
        expect({ path, password }).toEqual({ path, password: expect.stringMatching(BARE_REFERENCE) });
      expect({ path, bearer: /Bearer\s+[^\s$'"]/.test(value) }).toEqual({ path, bearer: false });
    }

    // `*_FILE` variables point at secrets the service mounts; those come from git-ignored files or the environment.
    for (const [name, s] of Object.entries(services)) {
      const mounted = new Set((s.secrets ?? []).map((x) => (typeof x === 'string' ? x : (x.target ?? x.source))));
      for (const [key, value] of Object.entries(environment(s))) {
        if (!/_FILE$/.test(key) || !SECRET_NAME.test(key.replace(/_FILE$/, ''))) continue;
        const secret = value.match(/^\/run\/secrets\/([\w.-]+)$/)?.[1];
        expect({ name, key, secret, mounted: secret !== undefined && mounted.has(secret) }).toEqual({
          name,
          key,
          secret: expect.any(String),
          mounted: true,
        });
      }
      for (const x of s.secrets ?? [])
        expect(compose.secrets).toHaveProperty(typeof x === 'string' ? x : (x.source ?? '(no source)'));
    }
    const gitignore = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n');
    for (const [name, def] of Object.entries(compose.secrets ?? {})) {
      expect({ name, file: def.file }).toEqual({ name, file: expect.stringMatching(/^\.\/secrets\/[\w.-]+$/) });
    }
    expect(gitignore.map((l) => l.trim().replace(/^\//, ''))).toEqual(expect.arrayContaining(['secrets/']));
  });

  it('documents every variable it reads and every secret file it needs', () => {
    const comments = composeText
      .split('\n')
      .filter((l) => l.trim().startsWith('#'))
      .join('\n');
    const readme = existsSync(join(ROOT, 'README.md')) ? readFileSync(join(ROOT, 'README.md'), 'utf8') : '';
    const docs = `${comments}\n${readme}`;
    const variables = interpolatedVariables();
    expect(variables.size).toBeGreaterThan(0);
    for (const [name, modifiers] of variables) {
      expect({ name, documented: new RegExp(`\\b${name}\\b`).test(docs) }).toEqual({ name, documented: true });
      // A required variable says what to set in its error message.
      for (const m of modifiers.filter((x) => /^:?\?/.test(x))) {
        expect({ name, message: m.replace(/^:?\?/, '').trim() }).toEqual({
          name,
          message: expect.stringMatching(/\S/),
        });
      }
    }
    for (const def of Object.values(compose.secrets ?? {})) {
      if (def.file) expect(docs).toContain(def.file);
    }
  });

  it('mounts and runs files that exist in the repository', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const m of bindMounts(s)) {
        expect({ name, source: m.source, exists: existsSync(resolve(ROOT, m.source)) }).toEqual({
          name,
          source: m.source,
          exists: true,
        });
      }
      // Absolute paths in the command, entrypoint and environment that a bind mount provides must exist on the host.
      const env = environment(s);
      const paths = [...words(s.entrypoint), ...words(s.command), ...Object.values(env)].filter((p) =>
        p.startsWith('/'),
      );
      // Temporal resolves DYNAMIC_CONFIG_FILE_PATH against its working directory, /etc/temporal.
      if (env.DYNAMIC_CONFIG_FILE_PATH) paths.push(posix.resolve('/etc/temporal', env.DYNAMIC_CONFIG_FILE_PATH));
      for (const p of paths) {
        const host = hostPath(s, p);
        if (host !== undefined)
          expect({ name, path: p, host, exists: existsSync(host) }).toEqual({
            name,
            path: p,
            host,
            exists: true,
          });
      }
    }
    expect(hostPath(service('temporal'), '/etc/temporal/config/dynamicconfig/x')).toBeDefined();
  });

  it('ships deploy scripts that sh can parse and that stop at the first error', () => {
    for (const name of ['temporal-schema', 'temporal-namespace']) {
      const s = service(name);
      const script = [...words(s.entrypoint), ...words(s.command)].find((w) => w.endsWith('.sh'));
      const host = script && hostPath(s, script);
      expect({ name, host: host && existsSync(host) }).toEqual({ name, host: true });
      const text = readFileSync(host as string, 'utf8');
      expect(text).toMatch(/^set -eu/m);
      const check = spawnSync('sh', ['-n', host as string], { encoding: 'utf8' });
      expect({ name, status: check.status, stderr: check.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
  });

  it('registers exactly the search attributes of workflows/search-attributes.ts in the namespace job', () => {
    const s = service('temporal-namespace');
    const script = [...words(s.entrypoint), ...words(s.command)].find((w) => w.endsWith('.sh'))!;
    const text = readFileSync(hostPath(s, script)!, 'utf8');
    const loop = text.match(/^for attr in ([^;\n]+);/m);
    expect(loop).not.toBeNull();
    const registered = Object.fromEntries(
      loop![1]
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=')),
    );
    expect(registered).toEqual({ ...CUSTOM_SEARCH_ATTRIBUTES });
    expect(text).toMatch(/temporal operator search-attribute create[^\n]*--name "\$name" --type "\$type"/);
    expect(text).toContain('TEMPORAL_NAMESPACE');
  });
});
