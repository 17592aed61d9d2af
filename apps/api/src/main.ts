import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { AppConfig } from './config/app-config';
import { GracefulShutdown } from './health/graceful-shutdown';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const app = await createApp(config);
  await (config.host ? app.listen(config.port, config.host) : app.listen(config.port));
  app.get(GracefulShutdown).handleSignals(app);
  const db = config.database.kind === 'embedded' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL';
  const bus = config.redisUrl ? 'Redis adapter' : 'in-memory adapter (single node)';
  new Logger('Parley').log(`Parley listening on ${config.publicUrl} (${db}, ${bus}); API docs at /api/docs`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Parley failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
