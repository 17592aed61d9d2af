import type { IncomingHttpHeaders } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { AppConfig } from '../config/app-config';

/** Which hop of a request's address chain is believed: Express's `trust proxy` in compiled form. */
export type Trust = (address: string, hop: number) => boolean;

/** TRUST_PROXY as proxy-addr understands it, the same rule Express applies to HTTP requests (req.ip). */
export function trustOf(setting: AppConfig['trustProxy']): Trust {
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

/**
 * The address a socket's handshakes are counted against: the peer of the connection, or, when that
 * peer is a proxy named by TRUST_PROXY, the address it forwarded (X-Forwarded-For), exactly as
 * Express decides `req.ip` for the REST API.
 */
export function clientAddress(socket: { handshake: { address: string; headers: IncomingHttpHeaders } }, trust: Trust = () => false): string {
  const { address, headers } = socket.handshake;
  const request = { socket: { remoteAddress: address }, connection: { remoteAddress: address }, headers };
  const chosen = proxyaddr(request as unknown as Parameters<typeof proxyaddr>[0], trust);
  // An IPv4 client of a dual-stack listener shows up as ::ffff:a.b.c.d; one client, one key.
  return chosen.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}
