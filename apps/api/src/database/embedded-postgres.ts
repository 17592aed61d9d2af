import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Beside the data directory while a server has it open: `npm run backup` and `npm run restore`
 * (tools/scripts/pglite-backup.mjs) refuse to touch a directory a live process holds.
 */
export function embeddedLockFile(dataDir: string): string {
  return `${dataDir}.lock`;
}

/**
 * PGlite (PostgreSQL in WASM) in this process, served over the wire protocol on a loopback port
 * so TypeORM reaches it through the ordinary `pg` driver, exactly as it reaches a real server.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
    private readonly lockFile: string | null,
  ) {}

  /** `dataDir` undefined keeps the database in memory (tests). */
  static async start(dataDir?: string): Promise<EmbeddedPostgres> {
    let lockFile: string | null = null;
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      lockFile = embeddedLockFile(dataDir);
      writeFileSync(lockFile, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }) + '\n');
    }
    // pg_trgm ships with PGlite as an extension to load; the migrations create it (search).
    const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
    const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
    await server.start();
    return new EmbeddedPostgres(db, server, `postgres://postgres:postgres@${server.getServerConn()}/postgres`, lockFile);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    if (this.lockFile) rmSync(this.lockFile, { force: true });
  }
}
