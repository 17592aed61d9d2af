import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { LIMITS } from '@parley/contracts';
import type { Express } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { serveClients } from './clients/serve-clients';
import type { AppConfig } from './config/app-config';
import { jsonOnly } from './common/json-only';
import { OriginPolicy } from './common/origin-policy';
import { ProblemFilter } from './common/problem.filter';
import { GatewayAdapter } from './gateway/gateway.adapter';
import { ParleyIoAdapter } from './gateway/io.adapter';
import { LegacyWsAdapter } from './gateway/legacy/legacy-ws.adapter';
import { RedisBus } from './gateway/redis.bus';
import { SocketDrain } from './gateway/socket.drain';
import { buildAsyncApiDocument, renderAsyncApiHtml } from './openapi/asyncapi.document';
import { buildOpenApiDocument } from './openapi/openapi.document';

/** Builds the whole application (HTTP, sockets, OpenAPI); `main.ts` and the tests both start it here. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    // A module that fails to build throws here, with its cause, instead of Nest calling process.exit(1)
    // with the reason still in the buffered logs (a test's second app would take the whole run down).
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // Whose X-Forwarded-For is believed: nobody's by default (the peer's own address is the client's).
  app.set('trust proxy', config.trustProxy);
  // blob: images are attachments the console fetched with its token (a plain <img src> cannot send it).
  app.use(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'blob:'] } } }));
  app.use('/api', jsonOnly);
  app.useBodyParser('json', { limit: LIMITS.httpBodyMaxBytes, strict: true });
  app.useGlobalFilters(new ProblemFilter());
  serveClients(app);
  // Before the adapter is handed over: the socket servers take the Redis adapter as they are created.
  const bus = app.get(RedisBus);
  await bus.connect();
  const origins = app.get(OriginPolicy);
  // socket.io for the clients of today, raw WebSocket (platform-ws) for the old system's pages: one port.
  app.useWebSocketAdapter(new GatewayAdapter(new ParleyIoAdapter(app, origins, bus, app.get(SocketDrain)), new LegacyWsAdapter(app, origins)));
  // No enableShutdownHooks(): main.ts hands SIGTERM/SIGINT to GracefulShutdown, which drains
  // (connections, requests, acks) before app.close() runs the same hooks, then exits 0.

  const version = process.env.npm_package_version ?? '0.1.0';
  const document = buildOpenApiDocument(version);
  SwaggerModule.setup('api/docs', app, () => document as never, {
    jsonDocumentUrl: 'api/openapi.json',
    yamlDocumentUrl: 'api/openapi.yaml',
    customSiteTitle: 'Parley API',
  });
  // The socket protocols (socket.io and the raw WebSocket), as AsyncAPI 3 and as a page to read.
  const asyncApi = buildAsyncApiDocument(version, config.publicUrl);
  const asyncApiPage = renderAsyncApiHtml(asyncApi);
  const http = app.getHttpAdapter().getInstance() as Express;
  http.get('/api/asyncapi.json', (_req, res) => void res.json(asyncApi));
  http.get('/api/asyncapi', (_req, res) => void res.type('html').send(asyncApiPage));
  return app;
}
