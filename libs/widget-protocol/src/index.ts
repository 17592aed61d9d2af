export * from './lib/widget-protocol';
