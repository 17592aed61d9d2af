import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_BIN, WORKSPACE_ROOT } from '@parley/test-support';
import Ajv from 'ajv';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json';
import { parse } from 'yaml';

/**
 * docker/compose.yml has never run here (no Docker engine on the development machines): it is
 * checked against the Compose specification's JSON schema (docker/schema/compose-spec.json, vendored
 * with its source and license in docker/schema/README.md), and kept alike with tools/cluster, which
 * is what does run: the same settings by name for every API node, and the same nginx file.
 */
const DOCKER = path.join(WORKSPACE_ROOT, 'docker');
const COMPOSE_FILE = path.join(DOCKER, 'compose.yml');
const CLUSTER = path.join(WORKSPACE_ROOT, 'tools/cluster/cluster.mjs');

interface ComposeService {
  image?: string;
  environment?: Record<string, unknown> | string[];
  volumes?: Array<string | { source?: string; target?: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}
interface ClusterConfig {
  env: Record<string, string>;
  nginxSource: string;
  nginx: string | null;
}

function loadCompose(): ComposeFile {
  // `merge`: the `<<: *api` of the second node, as Compose reads it.
  return parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
}

function validator(): ReturnType<Ajv['compile']> {
  const schema = JSON.parse(readFileSync(path.join(DOCKER, 'schema/compose-spec.json'), 'utf8')) as object;
  // Not strict: the schema uses annotations of later drafts (`deprecated`) that draft-07 tools ignore.
  const ajv = new Ajv({ allErrors: true, strict: false });
  // It names draft-07 by its https address, which Ajv knows by the http one: the same meta-schema.
  ajv.addMetaSchema({ ...draft7, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(schema);
}

function clusterConfig(...args: string[]): ClusterConfig {
  const run = spawnSync(NODE_BIN, [CLUSTER, '--print-config', ...args], { cwd: WORKSPACE_ROOT, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`cluster.mjs --print-config failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as ClusterConfig;
}

function envNames(service: ComposeService): string[] {
  const env = service.environment ?? {};
  const names = Array.isArray(env) ? env.map((e) => e.split('=')[0]) : Object.keys(env);
  return names.sort();
}

/** The API services: those built from the project's image. */
function apiServices(compose: ComposeFile): Array<[string, ComposeService]> {
  return Object.entries(compose.services).filter(([, s]) => s.image === 'parley-api:local');
}

describe('docker/compose.yml', () => {
  it('is valid against the Compose specification', () => {
    const validate = validator();
    const ok = validate(loadCompose());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check catches mistakes: a misspelt key and a wrong type are refused', () => {
    const validate = validator();
    const misspelt = loadCompose();
    (misspelt.services['api1'] as Record<string, unknown>)['enviroment'] = { X: '1' };
    expect(validate(misspelt)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('enviroment');
    const wrongType = loadCompose();
    (wrongType.services['nginx'] as Record<string, unknown>)['ports'] = 'not-a-list';
    expect(validate(wrongType)).toBe(false);
  });

  it('every API node gets the settings, by name, that tools/cluster gives its nodes', () => {
    const apis = apiServices(loadCompose());
    expect(apis.map(([name]) => name).sort()).toEqual(['api1', 'api2']);
    const cluster = Object.keys(clusterConfig().env).sort();
    for (const [, service] of apis) expect(envNames(service)).toEqual(cluster);
  });

  it('both load balancers run docker/nginx.conf, changed only in where the nodes are and where it listens', () => {
    const compose = loadCompose();
    const mount = (compose.services['nginx'].volumes ?? []).find((v) => String(typeof v === 'string' ? v : v.target).includes('/etc/nginx/'));
    expect(mount).toBeDefined();
    const source = typeof mount === 'string' ? mount.split(':')[0] : String(mount?.source);
    const composeFile = path.resolve(DOCKER, source);
    const cluster = clusterConfig('--nodes', '3', '--port', '9080');
    expect(path.resolve(WORKSPACE_ROOT, cluster.nginxSource)).toBe(composeFile);

    // Every line of the file is in the cluster's configuration, in order, except the upstream
    // servers (the compose services there, loopback ports here) and `listen`.
    const nodeLine = /^server\s+api\d+:\d+\s/;
    const shared = readFileSync(composeFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const generated = (cluster.nginx ?? '').split('\n').map((l) => l.trim());
    let at = 0;
    for (const line of shared) {
      if (nodeLine.test(line) || line === 'listen 80;') continue;
      const found = generated.indexOf(line, at);
      if (found === -1) throw new Error(`docker/nginx.conf line not in the cluster's nginx configuration (in order): ${line}`);
      at = found + 1;
    }
    // One upstream server per compose API node there, per cluster node here, with the same parameters.
    const composeServers = shared.filter((l) => nodeLine.test(l));
    expect(composeServers).toHaveLength(apiServices(compose).length);
    const params = composeServers[0].replace(/^server\s+\S+/, '');
    expect(generated.filter((l) => /^server 127\.0\.0\.1:\d+/.test(l)).map((l) => l.replace(/^server\s+\S+/, ''))).toEqual([params, params, params]);
    expect(generated).toContain('listen 127.0.0.1:9080;');
  });

  // nginx itself reads the cluster's configuration, when it is installed (tools/cluster needs it).
  const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p));
  if (nginx || process.env.CI === 'true') {
    it('nginx accepts the configuration the cluster writes from docker/nginx.conf', () => {
      if (!nginx) throw new Error('nginx is not installed (CI=true): apt-get install -y nginx');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-nginx-test-'));
      try {
        chmodSync(dir, 0o755);
        const conf = (clusterConfig('--port', '9080').nginx ?? '').replaceAll('/run/parley-nginx', dir);
        writeFileSync(path.join(dir, 'nginx.conf'), conf);
        const run = spawnSync(nginx, ['-t', '-p', dir, '-e', 'stderr', '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8', timeout: 30_000 });
        expect(run.stderr).toContain('test is successful');
        expect(run.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
