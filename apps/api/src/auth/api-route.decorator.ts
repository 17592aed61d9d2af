import { applyDecorators, Delete, Get, HttpCode, Patch, Post, Put, SetMetadata } from '@nestjs/common';
import { API_PREFIX, restRoute, type RestRoute, type RestRouteKey } from '@parley/contracts';

/** The handler's route of the contracts' table: the guard reads its callers and scope. */
export const ROUTE_KEY = 'parley:route';

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
    SetMetadata(ROUTE_KEY, route),
  );
}
