import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { EmbeddedPostgres } from './embedded-postgres';

/** `node migrate.js` applies pending migrations; `node migrate.js revert` undoes the last one. */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const embedded = config.database.kind === 'embedded' ? await EmbeddedPostgres.start(config.database.dataDir) : null;
  const url = embedded ? embedded.url : (config.database as { url: string }).url;
  const ds = new DataSource({ ...dataSourceOptions(url, 1), migrationsRun: false });
  try {
    await ds.initialize();
    if (process.argv[2] === 'revert') await ds.undoLastMigration({ transaction: 'each' });
    else await ds.runMigrations({ transaction: 'each' });
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
