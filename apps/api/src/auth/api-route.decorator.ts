import { applyDecorators, Delete, Get, HttpCode, Patch, Post, Put, SetMetadata } from '@nestjs/common';
import { API_PREFIX, type Caller, restRoute, type RestRoute, type RestRouteKey } from '@parley/contracts';

export const CALLERS_KEY = 'parley:callers';

const METHODS = { get: Get, post: Post, put: Put, patch: Patch, delete: Delete } as const;

export function routeUrl(route: RestRoute): string {
  return (route.base ?? API_PREFIX) + route.path;
}

/**
 * Binds a handler to its route in the contracts' table: method, path, success status and who may
 * call it all come from there, so what OpenAPI documents is what the guard enforces.
 */
export function ApiRoute(key: RestRouteKey): MethodDecorator {
  const route: RestRoute = restRoute(key);
  const nestPath = routeUrl(route).replace(/\{(\w+)\}/g, ':$1');
  return applyDecorators(
    METHODS[route.method](nestPath),
    HttpCode(route.status),
    SetMetadata(CALLERS_KEY, route.callers satisfies readonly Caller[]),
  );
}
