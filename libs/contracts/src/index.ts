export * from './lib/constants';
export * from './lib/limits';
export * from './lib/errors';
export * from './lib/models';
export * from './lib/requests';
export * from './lib/text';
export * from './lib/events';
export * from './lib/rest';
