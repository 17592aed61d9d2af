import path from 'node:path';

/** The repository's root (this file is libs/test-support/src/lib/workspace.ts). */
export const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');
/** The project's own Node 24: the machine's `node` may be older. */
export const NODE_BIN = path.join(WORKSPACE_ROOT, 'node_modules/.bin/node');
/** The API server as `api:build` leaves it. */
export const SERVER_ENTRY = path.join(WORKSPACE_ROOT, 'dist/apps/api/apps/api/src/main.js');
