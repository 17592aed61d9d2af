import { applyDecorators, Delete, Get, HttpCode, Patch, Post, Put, SetMetadata } from '@nestjs/common';
import { API_PREFIX, type Caller, REST_ROUTES, type RestRoute } from '@parley/contracts';

export const CALLERS_KEY = 'parley:callers';

const METHODS = { get: Get, post: Post, put: Put, patch: Patch, delete: Delete } as const;

export function routeUrl(route: RestRoute): string {
  return (route.base ?? API_PREFIX) + route.path;
}

/**
 * Binds a handler to its route in the contracts' table: method, path, success status and who may
 * call it all come from there, so what OpenAPI documents is what the guard enforces.
 */
export function ApiRoute(key: `${RestRoute['method']} ${string}`): MethodDecorator {
  const [method, path] = key.split(' ') as [RestRoute['method'], string];
  const route = REST_ROUTES.find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`No route "${key}" in the contracts' REST_ROUTES`);
  const nestPath = routeUrl(route).replace(/\{(\w+)\}/g, ':$1');
  return applyDecorators(
    METHODS[method](nestPath),
    HttpCode(route.status),
    SetMetadata(CALLERS_KEY, route.callers satisfies Caller[]),
  );
}
