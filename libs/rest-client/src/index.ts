export * from './lib/route-url';
export * from './lib/api-error';
export * from './lib/rest-client';
export * from './lib/files';
