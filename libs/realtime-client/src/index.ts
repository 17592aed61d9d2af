export * from './lib/realtime-client';
export * from './lib/realtime-error';
export * from './lib/thread-feed';
