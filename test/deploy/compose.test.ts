import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, loadConfig } from '../../config';
import { CLUSTER } from '../../scripts/stack/cluster/settings';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/searchAttributes';

// The deployment files are checked statically: this machine and CI have no Docker daemon, and a
// mistake here (a variable the app does not read, a missing dependency, an unregistered search
// attribute) would otherwise only show on the first real `docker compose up`.

const root = fileURLToPath(new URL('../..', import.meta.url));
const composePath = path.join(root, 'docker-compose.yml');
const dockerfilePath = path.join(root, 'Dockerfile');

// The deployment must register exactly the search attributes the workflow upserts.
const SEARCH_ATTRIBUTES = SEARCH_ATTRIBUTE_KEYS.map((k) => k.name);

const APP_SERVICES = ['worker', 'webhooks'] as const;

// Any 32 bytes will do: the key is only checked for its length.
const DUMMY_PII_SEALING_KEY = Buffer.alloc(32, 7).toString('base64');
const DUMMY_OPERATOR_ACCESS_TOKEN = 'operator-token-for-the-compose-test';
/** The variables compose requires, and nothing else set in the shell. */
const DUMMY_PAYLOAD_KEYS = `compose-1:${Buffer.alloc(32, 9).toString('base64')}`;
const REQUIRED_ENV = { PII_SEALING_KEY: DUMMY_PII_SEALING_KEY, OPERATOR_ACCESS_TOKEN: DUMMY_OPERATOR_ACCESS_TOKEN, PAYLOAD_ENCRYPTION_KEYS: DUMMY_PAYLOAD_KEYS };

type Env = Record<string, string | undefined>;

interface DependsOn {
  condition?: string;
}

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number | string; published?: number | string; host_ip?: string })[];
  depends_on?: string[] | Record<string, DependsOn>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  volumes?: (string | { source?: string; target: string })[];
  profiles?: string[];
  secrets?: (string | { source: string; target?: string })[];
}

interface ComposeFile {
  version?: unknown;
  services: Record<string, Service>;
  secrets?: Record<string, { environment?: string; file?: string }>;
}

/** Compose's variable substitution, for the forms this project uses. */
function interpolate(text: string, env: Env): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = env[name];
      const set = value !== undefined;
      const nonEmpty = set && value !== '';
      switch (op) {
        case undefined:
          return value ?? '';
        case ':-':
          return nonEmpty ? value : arg!;
        case '-':
          return set ? value : arg!;
        case ':?':
        case '?':
          if (op === ':?' ? !nonEmpty : !set) throw new Error(`required variable ${name}: ${arg}`);
          return value!;
        case ':+':
          return nonEmpty ? arg! : '';
        case '+':
          return set ? arg! : '';
        default:
          throw new Error(`unsupported substitution ${match}`);
      }
    },
  );
}

function interpolateAll<T>(node: T, env: Env): T {
  if (typeof node === 'string') return interpolate(node, env) as T;
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, env)) as T;
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env)])) as T;
  }
  return node;
}

const composeText = readFileSync(composePath, 'utf8');
// Merge keys (`<<: *app-environment`) are YAML 1.1; compose resolves them, so must the parser.
const raw = parse(composeText, { merge: true }) as ComposeFile;
/** The file as compose sees it with nothing set in the shell but the required variables. */
const compose = interpolateAll(raw, REQUIRED_ENV);

function service(name: string): Service {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

function environmentOf(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function dependenciesOf(s: Service): Record<string, string> {
  const deps = s.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v.condition ?? 'service_started']));
}

function publishedPorts(s: Service): { hostIp?: string; published: number; target: number }[] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'object') {
      return { hostIp: p.host_ip, published: Number(p.published ?? p.target), target: Number(p.target) };
    }
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.pop());
    const published = parts.length ? Number(parts.pop()) : target;
    return { hostIp: parts.length ? parts.join(':') : undefined, published, target };
  });
}

function commandLine(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions grouped by build stage, continuation lines joined, comments dropped. */
function dockerfileStages(text: string): Instruction[][] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    // Docker drops comment lines even in the middle of a continued instruction.
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.endsWith('\\')) {
      pending += trimmed.slice(0, -1) + ' ';
      continue;
    }
    const full = pending + trimmed;
    pending = '';
    const [keyword = '', ...rest] = full.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
  }
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

describe('docker-compose.yml', () => {
  it('uses the compose specification (no obsolete version key)', () => {
    expect(raw).toBeTypeOf('object');
    expect(raw).not.toHaveProperty('version');
  });

  it('has the whole production-like stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui', 'webhooks', 'worker', 'prometheus', 'grafana'].sort(),
    );
    // Monitoring is opt-in: `docker compose up` alone starts the application stack.
    for (const name of ['prometheus', 'grafana']) expect(service(name).profiles, name).toEqual(['metrics']);
    for (const name of ['postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui', ...APP_SERVICES]) {
      expect(service(name).profiles, name).toBeUndefined();
    }
  });

  it('pins every image it pulls', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (!s.image) {
        expect(s.build, `${name} has neither image nor build`).toBeDefined();
        continue;
      }
      const lastSegment = s.image.split('/').at(-1)!;
      expect(lastSegment, `${name}: ${s.image} has no tag`).toContain(':');
      const tag = lastSegment.split(':').at(-1)!;
      expect(tag, `${name}: ${s.image}`).not.toBe('latest');
      expect(tag, `${name}: ${s.image}`).not.toBe('');
    }
    expect(service('postgresql').image).toMatch(/^postgres:17(\.\d+)?(-[a-z]+)?$/);
    expect(service('temporal').image).toMatch(/^temporalio\/auto-setup:1\.29\.\d+$/);
    expect(service('temporal-admin-tools').image).toMatch(/^temporalio\/admin-tools:1\.29\.\d+/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:2\.\d+\.\d+$/);
  });

  it('builds the worker and the webhook server from this repository and runs the compiled code', () => {
    for (const name of APP_SERVICES) expect(service(name).build, name).toBe('.');
    expect(commandLine(service('worker').command)).toBe('node dist/worker/main.js');
    expect(commandLine(service('webhooks').command)).toBe('node dist/client/webhooks/main.js');
  });

  it('passes every setting the config reads, but those that do not apply in compose', () => {
    const notInCompose: Record<string, string> = {
      DATA_DIR: 'set by the image',
      WORKFLOW_BUNDLE_PATH: 'set by the image',
      TEMPORAL_API_KEY: 'the compose network\'s Temporal has no API keys',
      TEMPORAL_TLS: 'the compose network\'s Temporal has no TLS',
      TEMPORAL_UI_PORT: 'the local stack\'s dev server only',
      EMBEDDED_POSTGRES_PORT: 'DATABASE_URL is always set',
    };
    const onlyFor: Record<string, (typeof APP_SERVICES)[number]> = {
      WORKER_METRICS_ADDRESS: 'worker',
      WORKER_MAX_CACHED_WORKFLOWS: 'worker',
      WEBHOOK_HOST: 'webhooks',
      WEBHOOK_PORT: 'webhooks',
      WEBHOOK_BODY_LIMIT_BYTES: 'webhooks',
    };
    const image = readFileSync(dockerfilePath, 'utf8');
    for (const key of ['DATA_DIR', 'WORKFLOW_BUNDLE_PATH']) expect(image, `the image sets ${key}`).toMatch(new RegExp(`${key}=`));
    for (const name of APP_SERVICES) {
      const env = environmentOf(service(name));
      const missing = Object.keys(configSchema.shape).filter((key) => !(key in env) && !(key in notInCompose) && (onlyFor[key] ?? name) === name);
      expect(missing, `${name} lacks settings`).toEqual([]);
    }
  });

  it('publishes Temporal on 7233, its Web UI on 8233 and the webhook server on 3000', () => {
    expect(publishedPorts(service('temporal'))).toContainEqual(
      expect.objectContaining({ published: 7233, target: 7233 }),
    );
    expect(publishedPorts(service('temporal-ui'))).toContainEqual(
      expect.objectContaining({ published: 8233, target: 8080 }),
    );
    expect(publishedPorts(service('webhooks'))).toContainEqual(
      expect.objectContaining({ published: 3000, target: 3000 }),
    );
    // Nothing else reaches the database from outside the compose network.
    expect(publishedPorts(service('postgresql'))).toEqual([]);
  });

  it('keeps the unauthenticated Temporal endpoints on this host unless told otherwise', () => {
    for (const name of ['temporal', 'temporal-ui']) {
      for (const port of publishedPorts(service(name))) expect(port.hostIp, name).toBe('127.0.0.1');
    }
  });

  it('starts each service only once what it needs is ready', () => {
    expect(dependenciesOf(service('temporal'))).toMatchObject({ postgresql: 'service_healthy' });
    expect(dependenciesOf(service('temporal-admin-tools'))).toMatchObject({ temporal: 'service_healthy' });
    expect(dependenciesOf(service('temporal-ui'))).toHaveProperty('temporal');
    for (const name of APP_SERVICES) {
      expect(dependenciesOf(service(name)), name).toMatchObject({
        postgresql: 'service_healthy',
        temporal: 'service_healthy',
        'temporal-admin-tools': 'service_completed_successfully',
      });
    }
    // A dependency on `service_healthy` waits forever on a service without a health check.
    for (const name of ['postgresql', 'temporal']) {
      expect(service(name).healthcheck?.test, name).toBeDefined();
    }
    expect(commandLine(service('postgresql').healthcheck?.test)).toContain('pg_isready');
  });

  it('gives the app services only variables that config/index.ts reads', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of APP_SERVICES) {
      const unknown = Object.keys(environmentOf(service(name))).filter((key) => !known.has(key));
      expect(unknown, `${name} sets variables the config does not know`).toEqual([]);
    }
  });

  it('gives the app services a configuration that loads, with the defaults alone', () => {
    for (const name of APP_SERVICES) {
      const env = environmentOf(service(name));
      const config = loadConfig(env);
      expect(config.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      const db = new URL(config.DATABASE_URL!);
      expect(db.hostname, name).toBe('postgresql');
      expect(db.pathname, name).toBe('/service_followup');
      expect(config.PII_SEALING_KEY, name).toBe(DUMMY_PII_SEALING_KEY);
    }
    const worker = environmentOf(service('worker'));
    const webhooks = environmentOf(service('webhooks'));
    // The worker and the webhook server must talk about the same requests.
    for (const key of ['TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'DATABASE_URL', 'PII_SEALING_KEY']) {
      expect(webhooks[key], key).toBe(worker[key]);
    }
    const webhookConfig = loadConfig(webhooks);
    expect(webhookConfig.WEBHOOK_HOST).toBe('0.0.0.0');
    expect(webhookConfig.WEBHOOK_PORT).toBe(3000);
    expect(publishedPorts(service('webhooks')).map((p) => p.target)).toContain(webhookConfig.WEBHOOK_PORT);
  });

  it('refuses to start without PII_SEALING_KEY, OPERATOR_ACCESS_TOKEN or PAYLOAD_ENCRYPTION_KEYS', () => {
    for (const name of Object.keys(REQUIRED_ENV) as (keyof typeof REQUIRED_ENV)[]) {
      expect(() => interpolateAll(raw, { ...REQUIRED_ENV, [name]: undefined })).toThrow(new RegExp(name));
      expect(() => interpolateAll(raw, { ...REQUIRED_ENV, [name]: '' })).toThrow(new RegExp(name));
    }
    for (const name of APP_SERVICES) {
      const config = loadConfig(environmentOf(service(name)));
      expect(config.OPERATOR_ACCESS_TOKEN, name).toBe(DUMMY_OPERATOR_ACCESS_TOKEN);
      expect(config.PAYLOAD_ENCRYPTION_KEYS, name).toBe(DUMMY_PAYLOAD_KEYS);
    }
  });

  it('points the Web UI at the codec on the webhook server, for the origin the codec allows', () => {
    const ui = environmentOf(service('temporal-ui'));
    const webhooks = loadConfig(environmentOf(service('webhooks')));
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`${webhooks.PUBLIC_BASE_URL}/codec`);
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    const uiPort = publishedPorts(service('temporal-ui'))[0]!.published;
    expect(webhooks.CODEC_CORS_ORIGINS).toContain(`http://localhost:${uiPort}`);
  });

  it('has Prometheus scrape every metrics endpoint the services open, with the operators\' token', () => {
    const prometheus = parse(readFileSync(path.join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: {
        job_name: string;
        metrics_path?: string;
        authorization?: { credentials_file?: string };
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { names: string[]; port: number }[];
      }[];
    };
    const job = (name: string) => prometheus.scrape_configs.find((j) => j.job_name === name)!;
    const webhooks = loadConfig(environmentOf(service('webhooks')));
    expect(job('webhooks').static_configs?.[0]?.targets).toEqual([`webhooks:${webhooks.WEBHOOK_PORT}`]);
    // The token reaches Prometheus as a compose secret taken from OPERATOR_ACCESS_TOKEN.
    const secretName = job('webhooks').authorization?.credentials_file?.replace('/run/secrets/', '');
    expect(compose.secrets?.[secretName!]?.environment).toBe('OPERATOR_ACCESS_TOKEN');
    expect(service('prometheus').secrets).toContain(secretName);
    const worker = loadConfig(environmentOf(service('worker')));
    expect(worker.WORKER_METRICS_ADDRESS).toMatch(/^0\.0\.0\.0:\d+$/);
    expect(job('workers').dns_sd_configs?.[0]).toMatchObject({ names: ['worker'], port: Number(worker.WORKER_METRICS_ADDRESS!.split(':')[1]) });
    const temporalMetricsPort = environmentOf(service('temporal')).PROMETHEUS_ENDPOINT?.split(':')[1];
    expect(job('temporal').static_configs?.[0]?.targets).toEqual([`temporal:${temporalMetricsPort}`]);
  });

  it('gives Grafana the Prometheus data source and the dashboard', () => {
    const dashboard = JSON.parse(readFileSync(path.join(root, 'deploy/grafana/dashboards/service-followup.json'), 'utf8')) as {
      panels: { type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
    };
    const datasources = parse(readFileSync(path.join(root, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };
    expect(datasources.datasources[0]!.url).toBe('http://prometheus:9090');
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(5);
    for (const panel of graphs) {
      expect(panel.datasource?.uid).toBe(datasources.datasources[0]!.uid);
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    const queries = graphs.flatMap((p) => p.targets!.map((t) => t.expr)).join('\n');
    for (const series of ['service_followup_inbox_pending_events', 'service_followup_relay_lag_seconds', 'service_followup_outbox_pending_messages', 'temporal_worker_task_slots_available', 'service_requests']) {
      expect(queries).toContain(series);
    }
  });

  it('registers exactly the search attributes the workflows set, as keywords, in their namespace', () => {
    const admin = service('temporal-admin-tools');
    const script = `${commandLine(admin.entrypoint)} ${commandLine(admin.command)}`;
    expect(script).toContain('temporal operator search-attribute create');
    expect(script).toContain('--address temporal:7233');
    const pairs = [...script.matchAll(/--name\s+(\S+)\s+--type\s+(\S+)/g)].map((m) => ({ name: m[1], type: m[2] }));
    expect(pairs.map((p) => p.name).sort()).toEqual([...SEARCH_ATTRIBUTES].sort());
    for (const pair of pairs) expect(pair.type, pair.name).toBe('Keyword');

    const namespace = environmentOf(service('worker')).TEMPORAL_NAMESPACE;
    expect(script).toContain(`--namespace ${namespace}`);
    expect(environmentOf(service('temporal')).DEFAULT_NAMESPACE).toBe(namespace);
  });

  it('points Temporal at the shared PostgreSQL', () => {
    const env = environmentOf(service('temporal'));
    expect(env).toMatchObject({ DB: 'postgres12', DB_PORT: '5432', POSTGRES_SEEDS: 'postgresql' });
    const pg = environmentOf(service('postgresql'));
    expect(env.POSTGRES_USER).toBe(pg.POSTGRES_USER);
    expect(env.POSTGRES_PWD).toBe(pg.POSTGRES_PASSWORD);
    expect(environmentOf(service('temporal-ui')).TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('runs the Temporal of the cluster stack: same versions, shards, pools and dynamic config', () => {
    // `make up STACK=cluster` builds these versions (scripts/ensure-cluster.sh) and configures them
    // from scripts/stack/cluster/settings.ts; the images must be the same release.
    const ensureScript = readFileSync(path.join(root, 'scripts/ensure-cluster.sh'), 'utf8');
    expect(ensureScript).toContain(`server_version="v${CLUSTER.serverVersion}"`);
    expect(ensureScript).toContain(`ui_version="v${CLUSTER.uiVersion}"`);
    expect(service('temporal').image).toBe(`temporalio/auto-setup:${CLUSTER.serverVersion}`);
    expect(service('temporal-admin-tools').image).toMatch(new RegExp(`^temporalio/admin-tools:${CLUSTER.serverVersion.replace(/\./g, '\\.')}-`));
    expect(service('temporal-ui').image).toBe(`temporalio/ui:${CLUSTER.uiVersion}`);

    const env = environmentOf(service('temporal'));
    expect(env.DB).toBe(CLUSTER.sqlPlugin);
    expect(env).toMatchObject({
      NUM_HISTORY_SHARDS: String(CLUSTER.numHistoryShards),
      SQL_MAX_CONNS: String(CLUSTER.persistencePool.maxConns),
      SQL_MAX_IDLE_CONNS: String(CLUSTER.persistencePool.maxIdleConns),
      SQL_VIS_MAX_CONNS: String(CLUSTER.visibilityPool.maxConns),
      SQL_VIS_MAX_IDLE_CONNS: String(CLUSTER.visibilityPool.maxIdleConns),
      DEFAULT_NAMESPACE_RETENTION: `${CLUSTER.namespaceRetentionHours}h`,
    });
    const dynamicConfig = (service('temporal').volumes ?? [])
      .map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target]))
      .find(([, target]) => target === env.DYNAMIC_CONFIG_FILE_PATH);
    expect(dynamicConfig, 'the dynamic config file mounted where DYNAMIC_CONFIG_FILE_PATH points').toBeDefined();
    expect(path.normalize(dynamicConfig![0]!)).toBe(path.normalize(CLUSTER.dynamicConfigFile));
    const keys = Object.keys(parse(readFileSync(path.join(root, CLUSTER.dynamicConfigFile), 'utf8')) as object);
    expect(keys).toContain('system.forceSearchAttributesCacheRefreshOnRead');
  });

  it('creates the app database and role named in DATABASE_URL on first start', () => {
    const mount = (service('postgresql').volumes ?? [])
      .map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target]))
      .find(([, target]) => target === '/docker-entrypoint-initdb.d');
    expect(mount, 'postgres-init folder mounted').toBeDefined();
    const dir = path.resolve(root, mount![0]!);
    const sql = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    const db = new URL(environmentOf(service('worker')).DATABASE_URL!);
    const database = db.pathname.slice(1);
    expect(sql).toMatch(new RegExp(`CREATE ROLE ${db.username} LOGIN`, 'i'));
    expect(sql).toMatch(new RegExp(`CREATE DATABASE ${database} OWNER ${db.username}`, 'i'));
    // The role's password is read from the container's environment: it must be the URL's.
    const variable = /\\getenv\s+app_password\s+(\w+)/.exec(sql)?.[1];
    expect(variable).toBeDefined();
    expect(environmentOf(service('postgresql'))[variable!]).toBe(decodeURIComponent(db.password));
  });

  it('does not run the worker against the image health check meant for the webhook server', () => {
    expect(service('worker').healthcheck?.disable).toBe(true);
    expect(service('webhooks').healthcheck?.disable).not.toBe(true);
  });

  const composePlugin = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 20_000 });
  it('is accepted by `docker compose config` where the compose plugin is installed', () => {
    if (composePlugin.status !== 0) {
      // No compose plugin here (CI has none): the parse above is the check that remains.
      expect(raw.services).toBeTypeOf('object');
      return;
    }
    const result = spawnSync('docker', ['compose', '-f', composePath, 'config', '-q'], {
      cwd: root,
      env: { ...process.env, ...REQUIRED_ENV },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
  });
});

describe('Dockerfile', () => {
  const stages = dockerfileStages(readFileSync(dockerfilePath, 'utf8'));
  const final = stages.at(-1) ?? [];
  const args = (stage: Instruction[], keyword: string) =>
    stage.filter((i) => i.keyword === keyword).map((i) => i.args);

  it('is multi-stage on node 20 bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]!.args).toMatch(/^node:20-bookworm-slim(\s+AS\s+\S+)?$/i);
  });

  it('installs from the lockfile with an npm that honours package.json allowScripts', () => {
    const runs = stages.flatMap((stage) => args(stage, 'RUN')).join('\n');
    expect(runs).toMatch(/npm install --global npm@11\./);
    expect(runs).toMatch(/\bnpm install --omit=dev\b/);
  });

  it('compiles the code and bundles the workflows in a build stage; the runtime has node and dist only', () => {
    const [build] = stages;
    expect(args(build!, 'RUN').join('\n')).toMatch(/\bnpm run build\b/);
    const copies = args(final, 'COPY');
    expect(copies).toContainEqual(expect.stringMatching(/^--from=\S+ \/app\/dist \.\/dist$/));
    // No sources in the runtime image: only the compiled files, production node_modules, package.json.
    expect(copies.filter((c) => !c.startsWith('--from='))).toEqual(['package.json ./']);
    expect(args(final, 'ENV').join(' ')).toMatch(/WORKFLOW_BUNDLE_PATH=\/app\/dist\/workflow-bundle\.js/);
    const cmd = args(final, 'CMD').at(-1) ?? '';
    expect(cmd).toContain('"node", "dist/client/webhooks/main.js"');
    expect(cmd).not.toContain('tsx');
    // tsx is a dev dependency, so `npm install --omit=dev` leaves it out of the runtime image.
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkg.devDependencies).toHaveProperty('tsx');
    expect(args(stages.find((s) => s.some((i) => i.keyword === 'RUN' && /--omit=dev/.test(i.args)))!, 'RUN').join(' ')).toMatch(/--omit=dev/);
  });

  it('runs as a non-root user in the final stage', () => {
    const user = args(final, 'USER').at(-1);
    expect(user, 'final stage sets USER').toBeDefined();
    expect(['root', '0', 'root:root', '0:0']).not.toContain(user);
  });

  it('exposes and health-checks the webhook port', () => {
    expect(args(final, 'EXPOSE').join(' ').split(/\s+/)).toContain('3000');
    const healthcheck = args(final, 'HEALTHCHECK').at(-1) ?? '';
    expect(healthcheck).toContain('/health/ready');
    expect(healthcheck).toContain('WEBHOOK_PORT');
    expect(healthcheck).toContain('fetch(');
  });

  it('listens on every interface by default, or the port would be unreachable', () => {
    expect(args(final, 'ENV').join(' ')).toMatch(/WEBHOOK_HOST=0\.0\.0\.0/);
  });
});
