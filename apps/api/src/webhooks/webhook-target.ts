import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { ErrorCode } from '@parley/contracts';
import ipaddr from 'ipaddr.js';
import { AppError } from '../common/app-error';

/**
 * Where a webhook may be sent (server-side request forgery). A target whose name resolves to any
 * address that is not public unicast (loopback, private, link-local, unique-local, multicast,
 * unspecified, carrier-grade NAT, reserved, IPv4-mapped or -embedded forms of those) is refused,
 * unless its host, exactly as written in the URL, is on the allow-list (WEBHOOK_ALLOWED_HOSTS).
 * The check runs when the URL is saved and again at every connection, on the address connected to
 * (the lookup below resolves, checks, and hands the socket only checked addresses).
 */
export interface TargetRules {
  allowedHosts: readonly string[];
  requireHttps: boolean;
}

/** Why an address may not be a webhook target, or null when it is public unicast. */
export function forbiddenAddressClass(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  const range = parsed.range();
  return range === 'unicast' ? null : range;
}

/** The URL's host as the allow-list names it: lower case, IPv6 without brackets, no trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function notAllowed(detail: string): AppError {
  return new AppError(ErrorCode.WebhookUrlNotAllowed, detail, [{ path: 'url', message: detail }]);
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  if (isIP(host)) return Promise.resolve([{ address: host, family: isIP(host) }]);
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });
}

/** Checks a URL an admin saves: scheme, then every address its host resolves to. Throws WEBHOOK_URL_NOT_ALLOWED. */
export async function checkTarget(raw: string, rules: TargetRules): Promise<void> {
  const url = new URL(raw);
  if (rules.requireHttps && url.protocol !== 'https:') throw notAllowed('webhook URLs must be https on this server');
  const host = hostOf(url);
  if (rules.allowedHosts.includes(host)) return;
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch {
    throw notAllowed(`the host ${host} does not resolve`);
  }
  if (addresses.length === 0) throw notAllowed(`the host ${host} does not resolve`);
  for (const a of addresses) {
    const why = forbiddenAddressClass(a.address);
    if (why) throw notAllowed(`the host ${host} resolves to ${a.address} (${why}), which webhooks may not reach`);
  }
}

/**
 * A `lookup` for http.request: resolves the name, refuses it when any address is forbidden (and
 * the host is not allowed), and passes on the checked addresses, so the socket connects only to
 * an address that was checked (no second resolution an attacker's DNS could answer differently).
 */
export function guardedLookup(host: string, rules: TargetRules): LookupFunction {
  const allowed = rules.allowedHosts.includes(host);
  return (hostname, options, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        const bad = allowed ? undefined : addresses.find((a) => forbiddenAddressClass(a.address));
        if (bad) {
          const err = Object.assign(new Error(`refused: ${hostname} resolves to ${bad.address} (${forbiddenAddressClass(bad.address)})`), {
            code: 'WEBHOOK_URL_NOT_ALLOWED',
          });
          callback(err, '', 4);
          return;
        }
        const family = typeof options === 'object' ? options.family : undefined;
        const usable = addresses.filter((a) => !family || a.family === family);
        if (usable.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
          return;
        }
        if (typeof options === 'object' && options.all) callback(null, usable as unknown as string, 4);
        else callback(null, usable[0].address, usable[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}
