#!/usr/bin/env node
// Backup and restore of the embedded database (PGlite's data directory, PGLITE_DATA_DIR, default
// .data/pglite). Both refuse while a server has the directory open (it keeps `<dir>.lock` with its
// pid): PGlite is a single process's database, so a copy taken under a running server could be
// torn. Stop the server, back up or restore, start it again. Use real PostgreSQL (and its own
// tools: pg_dump, base backups, PITR) for production.
//
//   npm run backup                                   # .data/backups/parley-<time>.tar.gz
//   npm run backup -- --out /somewhere/parley.tar.gz
//   npm run restore -- .data/backups/parley-<time>.tar.gz
//   PGLITE_DATA_DIR=/srv/parley/pglite npm run backup
//
// A restore never deletes the directory it replaces: it is moved to `<dir>.before-restore-<time>`.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const HELP = `Usage:
  pglite-backup.mjs backup  [--data-dir DIR] [--out FILE]
  pglite-backup.mjs restore FILE [--data-dir DIR]
The data directory is --data-dir, else PGLITE_DATA_DIR, else .data/pglite (as the server).
Both refuse while a server has the directory open: stop it first.`;

class Refusal extends Error {}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = { command, dataDir: process.env.PGLITE_DATA_DIR || '.data/pglite', out: undefined, file: undefined };
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    if (arg === '--data-dir') opts.dataDir = rest[++i];
    else if (arg === '--out') opts.out = rest[++i];
    else if (arg === '--help' || arg === '-h') opts.command = 'help';
    else if (!arg.startsWith('--') && opts.file === undefined) opts.file = arg;
    else throw new Refusal(`unknown argument ${arg}\n${HELP}`);
  }
  if (!opts.dataDir) throw new Refusal(`--data-dir needs a directory\n${HELP}`);
  opts.dataDir = path.resolve(opts.dataDir);
  return opts;
}

function stamp() {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is someone else's.
    return err.code === 'EPERM';
  }
}

/** Throws when a live server holds the directory; a lock left by a server that died is ignored. */
function refuseWhileRunning(dataDir) {
  const lockFile = `${dataDir}.lock`;
  if (!existsSync(lockFile)) return;
  let pid;
  try {
    pid = JSON.parse(readFileSync(lockFile, 'utf8')).pid;
  } catch {
    pid = undefined;
  }
  if (Number.isInteger(pid) && alive(pid)) {
    throw new Refusal(
      `a Parley server (pid ${pid}) has ${dataDir} open: stop it first, then run this again ` +
        `(the embedded database is backed up and restored only while no server runs on it)`,
    );
  }
}

function isDatabase(dataDir) {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

async function backup(opts) {
  refuseWhileRunning(opts.dataDir);
  if (!isDatabase(opts.dataDir)) throw new Refusal(`${opts.dataDir} holds no embedded database (no PG_VERSION): nothing to back up`);
  const out = path.resolve(opts.out ?? path.join(path.dirname(opts.dataDir), 'backups', `parley-${stamp()}.tar.gz`));
  if (existsSync(out)) throw new Refusal(`${out} exists already: choose another --out`);
  const db = await PGlite.create({ dataDir: opts.dataDir, extensions: { pg_trgm } });
  let tarball;
  try {
    // A checkpoint first, so everything committed is in the files the tarball takes.
    await db.exec('CHECKPOINT');
    tarball = await db.dumpDataDir('gzip');
  } finally {
    await db.close();
  }
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, Buffer.from(await tarball.arrayBuffer()), { mode: 0o600 });
  process.stdout.write(`backed up ${opts.dataDir} to ${out} (${statSync(out).size} bytes)\n`);
}

async function restore(opts) {
  if (!opts.file) throw new Refusal(`restore needs the backup file\n${HELP}`);
  const file = path.resolve(opts.file);
  if (!existsSync(file) || !statSync(file).isFile()) throw new Refusal(`${file} is not a file`);
  refuseWhileRunning(opts.dataDir);
  const bytes = readFileSync(file);
  let aside = null;
  if (existsSync(opts.dataDir) && readdirSync(opts.dataDir).length > 0) {
    aside = `${opts.dataDir}.before-restore-${stamp()}`;
    renameSync(opts.dataDir, aside);
  }
  try {
    mkdirSync(opts.dataDir, { recursive: true });
    const db = await PGlite.create({ dataDir: opts.dataDir, loadDataDir: new Blob([bytes]), extensions: { pg_trgm } });
    try {
      await db.query('SELECT 1');
    } finally {
      await db.close();
    }
  } catch (err) {
    // Leave things as they were: the failed attempt moved aside, the old directory back.
    const failed = `${opts.dataDir}.failed-restore-${stamp()}`;
    if (existsSync(opts.dataDir)) renameSync(opts.dataDir, failed);
    if (aside) renameSync(aside, opts.dataDir);
    throw new Refusal(`${file} could not be restored (${err instanceof Error ? err.message : String(err)}); ${opts.dataDir} is unchanged`);
  }
  process.stdout.write(`restored ${file} into ${opts.dataDir}${aside ? `; the previous directory is kept as ${aside}` : ''}\n`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.command === 'backup') return backup(opts);
  if (opts.command === 'restore') return restore(opts);
  process.stdout.write(`${HELP}\n`);
  if (opts.command !== 'help') process.exitCode = 2;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Refusal ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
