export * from './lib/api-server';
export * from './lib/chromium';
export * from './lib/ports';
export * from './lib/postgres';
export * from './lib/process';
export * from './lib/tcp-proxy';
export * from './lib/wait';
export * from './lib/workspace';
