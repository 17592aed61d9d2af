import type { RestRouteKey, RouteParams } from '@parley/contracts';
// The zod-free entry of the contracts: a bundler that does not drop unused modules, or a test
// runner, would otherwise load every schema and zod with them just for these two values.
import { API_PREFIX, REST_ROUTE_BASES } from '@parley/contracts/constants';

/** The method of a route key, as fetch spells it. */
export function routeMethod(key: RestRouteKey): string {
  return key.slice(0, key.indexOf(' ')).toUpperCase();
}

/**
 * The URL path of a route, its parameters filled in and encoded. It reads the key, not the route
 * table: the table holds the zod schemas, which a browser bundle should not download for this.
 */
export function routeUrl<K extends RestRouteKey>(key: K, ...[params]: [RouteParams<K>] extends [never] ? [] : [RouteParams<K>]): string {
  return untypedRouteUrl(key, params as Record<string, string> | undefined);
}

/** {@link routeUrl} for code that walks many routes at once, where no one key's parameters are known. */
export function untypedRouteUrl(key: RestRouteKey, params: Record<string, string | undefined> = {}): string {
  const template = key.slice(key.indexOf(' ') + 1);
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`"${key}" needs the parameter ${name}`);
    return encodeURIComponent(value);
  });
  return ((REST_ROUTE_BASES as Partial<Record<RestRouteKey, string>>)[key] ?? API_PREFIX) + path;
}
