#!/usr/bin/env node
// A local Parley cluster in one command: N API nodes on loopback ports over the machine's
// PostgreSQL and Redis, behind nginx with sticky sessions. Runs in the foreground; Ctrl-C (or
// SIGTERM) drains the nodes and stops everything it started.
//
//   npm run nx -- run cluster:start                 # build, then 2 nodes behind http://localhost:8080
//   npm run nx -- run cluster:start --nodes=3 --port=9000
//   node_modules/.bin/node tools/cluster/cluster.mjs --help
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER_ENTRY = path.join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const NODE_BIN = existsSync(path.join(ROOT, 'node_modules/.bin/node')) ? path.join(ROOT, 'node_modules/.bin/node') : process.execPath;
const STATE_DIR = path.join(ROOT, '.data/cluster');

const HELP = `Usage: cluster.mjs [options]
  --nodes N            API nodes to start (default 2)
  --port P             nginx port on 127.0.0.1 (default 8080)
  --database-url URL   PostgreSQL (default postgres://postgres@127.0.0.1:5432/parley_cluster, created if missing)
  --redis-url URL      Redis (default redis://127.0.0.1:6379)
  --no-nginx           only the nodes, no load balancer
  --json               also print one line "CLUSTER {json}" with the URLs and pids, for scripts
  --print-config       print the nodes' settings and the nginx configuration as JSON, start nothing
`;

function parseArgs(argv) {
  const opts = { nodes: 2, port: 8080, databaseUrl: 'postgres://postgres@127.0.0.1:5432/parley_cluster', redisUrl: 'redis://127.0.0.1:6379', nginx: true, json: false, printConfig: false };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--nodes') opts.nodes = Number(value());
    else if (flag === '--port') opts.port = Number(value());
    else if (flag === '--database-url') opts.databaseUrl = value();
    else if (flag === '--redis-url') opts.redisUrl = value();
    else if (flag === '--no-nginx') opts.nginx = false;
    else if (flag === '--json') opts.json = true;
    else if (flag === '--print-config') opts.printConfig = true;
    else if (flag === '--help' || flag === '-h') fail(HELP, 0);
    else fail(`unknown option ${argv[i]}\n\n${HELP}`);
  }
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1 || opts.nodes > 16) fail('--nodes must be 1..16');
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) fail('--port must be a port number');
  return opts;
}

function fail(message, code = 1) {
  (code === 0 ? process.stdout : process.stderr).write(`${message.trimEnd()}\n`);
  process.exit(code);
}

const say = (line) => process.stdout.write(`[cluster] ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Debian installs nginx to /usr/sbin, which is often not on a normal user's PATH. */
function findNginx() {
  const onPath = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  return onPath || ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p)) || null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function ensureDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) fail(`database name "${name}" must be a plain identifier`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`);
      say(`created database ${name}`);
    }
  } catch (err) {
    fail(`PostgreSQL at ${admin.host} is not reachable (${err.message}); start it or pass --database-url`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function pingRedis(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(/^\+PONG|^-NOAUTH/.test(d.toString())));
  });
}

/** One secret for every node, kept between runs so tokens survive a restart of the cluster. */
function sharedSecret() {
  const file = path.join(STATE_DIR, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Prefixes each line of a child's output with its name. */
function relay(child, name) {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop();
      for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
}

async function waitReady(url, child, name, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready`);
    const ok = await fetch(`${url}/api/health/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${name} not ready after ${timeoutMs / 1000} s`);
}

/** The load balancer's configuration, shared with docker/compose.yml: one file, two topologies. */
const NGINX_CONF = path.join(ROOT, 'docker/nginx.conf');

/**
 * The settings every node gets, by name as docker/compose.yml sets them for its API service (a test
 * keeps the two lists equal); only the values differ between a container and a loopback port.
 */
function nodeEnv({ port, metricsPort, opts, secret, publicUrl, lbPort }) {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    // Redis answered before the nodes start: let each node ask it whether it can shard pub/sub.
    REDIS_SHARDED: 'auto',
    JWT_SECRET: secret,
    // Without nginx, each node is its own public address (the server's defaults, stated).
    PUBLIC_URL: publicUrl ?? `http://localhost:${port}`,
    ALLOWED_ORIGINS: publicUrl ? `${publicUrl},http://127.0.0.1:${lbPort}` : `http://localhost:${port},http://127.0.0.1:${port}`,
    SHUTDOWN_TIMEOUT_MS: '10000',
    // nginx runs on loopback in front of the nodes: its X-Forwarded-For names the real client.
    TRUST_PROXY: 'loopback',
    // One folder for every node (a node refuses to start on a folder of its own while others use another).
    UPLOADS_DIR: path.join(ROOT, '.data/uploads'),
    // Prometheus scrapes each node on a port of its own (no token), on loopback only.
    METRICS_PORT: String(metricsPort),
    METRICS_HOST: '127.0.0.1',
  };
}

/**
 * docker/nginx.conf made to run here: the upstream servers are the nodes' loopback ports instead of
 * the compose services, nginx listens on loopback, and the file sits in an http block with its
 * runtime folders. Everything else (stickiness, timeouts, gzip, upgrade headers) is the file's.
 */
function nginxConfig({ dir, port, nodes }) {
  const shared = readFileSync(NGINX_CONF, 'utf8').split('\n');
  const upstream = /^([ \t]*)server\s+api\d+:\d+((?:\s[^;]*)?);\s*$/;
  const first = shared.findIndex((line) => upstream.test(line));
  const listen = shared.findIndex((line) => /^[ \t]*listen 80;\s*$/.test(line));
  if (first === -1 || listen === -1) throw new Error(`${NGINX_CONF}: no "server apiN:PORT" lines or no "listen 80;" to adapt`);
  const [, indent, params] = shared[first].match(upstream);
  const adapted = shared.flatMap((line, i) => {
    if (i === first) return nodes.map((n) => `${indent}server 127.0.0.1:${n.port}${params};`);
    if (upstream.test(line)) return [];
    if (i === listen) return [line.replace('listen 80;', `listen 127.0.0.1:${port};`)];
    return [line];
  });
  const indented = adapted.map((line) => (line ? `  ${line}` : line)).join('\n');
  return `# Written by tools/cluster/cluster.mjs for one run from docker/nginx.conf (the compose load balancer).
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${indented}
}
`;
}

/** What a run would start, without starting it: for the test that keeps compose and the cluster alike. */
function printConfig(opts) {
  const nodes = Array.from({ length: opts.nodes }, (_, i) => ({ name: `api${i + 1}`, port: 3001 + i, metricsPort: 9464 + i }));
  const publicUrl = opts.nginx ? `http://localhost:${opts.port}` : undefined;
  const env = nodeEnv({ port: nodes[0].port, metricsPort: nodes[0].metricsPort, opts, secret: '(the shared secret)', publicUrl, lbPort: opts.port });
  const nginx = opts.nginx ? nginxConfig({ dir: '/run/parley-nginx', port: opts.port, nodes }) : null;
  process.stdout.write(`${JSON.stringify({ env, nginxSource: path.relative(ROOT, NGINX_CONF), nginx }, null, 2)}\n`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.printConfig) return printConfig(opts);
  if (!existsSync(SERVER_ENTRY)) fail(`${SERVER_ENTRY} is missing: run \`npm run nx -- run api:build\` (or start with \`npm run nx -- run cluster:start\`)`);
  const nginxBin = opts.nginx ? findNginx() : null;
  if (opts.nginx && !nginxBin) {
    fail('nginx is not installed. On Debian/Ubuntu: sudo apt-get install -y nginx\n(or run with --no-nginx to start only the nodes)');
  }
  mkdirSync(STATE_DIR, { recursive: true });
  await ensureDatabase(opts.databaseUrl);
  if (!(await pingRedis(opts.redisUrl))) fail(`Redis at ${opts.redisUrl} is not reachable; start it (redis-server --daemonize yes) or pass --redis-url`);

  const lbPort = opts.port === 0 ? await freePort() : opts.port;
  const publicUrl = opts.nginx ? `http://localhost:${lbPort}` : undefined;
  const secret = sharedSecret();
  const children = [];
  let stopping = false;
  let nginx;

  const nodes = [];
  for (let i = 1; i <= opts.nodes; i += 1) nodes.push({ name: `api${i}`, port: await freePort(), metricsPort: await freePort() });
  const startNode = (node) => {
    const env = { ...process.env, ...nodeEnv({ port: node.port, metricsPort: node.metricsPort, opts, secret, publicUrl, lbPort }) };
    const child = spawn(NODE_BIN, ['--max-semi-space-size=16', SERVER_ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    relay(child, node.name);
    child.once('exit', (code, signal) => {
      if (!stopping) say(`${node.name} exited (${signal ?? code}); the others carry on`);
    });
    node.child = child;
    node.url = `http://127.0.0.1:${node.port}`;
    children.push(child);
    return waitReady(node.url, child, node.name);
  };

  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: draining the nodes and stopping nginx`);
    // Nodes first (they drain: clients move on), then the balancer in front of them.
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    const exits = running.map((c) => new Promise((resolve) => c.once('exit', resolve)));
    for (const c of running) c.kill(c === nginx?.child ? 'SIGQUIT' : 'SIGTERM');
    const finished = await Promise.race([Promise.all(exits).then(() => true), sleep(20_000).then(() => false)]);
    if (!finished) for (const c of running) c.kill('SIGKILL');
    if (nginx) rmSync(nginx.dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    // The first node runs the migrations alone; the others start side by side after it.
    await startNode(nodes[0]);
    await Promise.all(nodes.slice(1).map(startNode));
    if (nginxBin) {
      // nginx's workers drop root to "nobody": the runtime folder must be theirs to enter.
      const dir = mkdtempSync(path.join(tmpdir(), 'parley-nginx-'));
      chmodSync(dir, 0o755);
      writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig({ dir, port: lbPort, nodes }));
      const child = spawn(nginxBin, ['-p', dir, '-e', 'stderr', '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
      relay(child, 'nginx');
      children.push(child);
      nginx = { child, dir };
      child.once('exit', (code) => !stopping && void stop(`nginx exited (${code})`));
      await waitReady(`http://127.0.0.1:${lbPort}`, child, 'nginx', 10_000);
    }
  } catch (err) {
    say(`could not start: ${err.message}`);
    await stop('startup failure');
    return;
  }

  say(`${opts.nodes} API nodes over ${new URL(opts.databaseUrl).pathname.slice(1)} and ${opts.redisUrl}:`);
  for (const n of nodes) say(`  ${n.name}  ${n.url}  (pid ${n.child.pid}; metrics http://127.0.0.1:${n.metricsPort}/metrics)`);
  if (nginx) say(`load balancer (nginx, sticky by client address): ${publicUrl}  (API docs: ${publicUrl}/api/docs)`);
  say('Ctrl-C stops everything.');
  if (opts.json) {
    const info = { url: nginx ? `http://127.0.0.1:${lbPort}` : null, nodes: nodes.map((n) => ({ name: n.name, url: n.url, pid: n.child.pid })), nginxPid: nginx?.child.pid ?? null };
    process.stdout.write(`CLUSTER ${JSON.stringify(info)}\n`);
  }
}

main().catch((err) => fail(`cluster: ${err.stack ?? err}`));
