import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@parley/contracts';
import { checkTarget, forbiddenAddressClass, guardedLookup } from './webhook-target';

describe('webhook targets (server-side request forgery)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
  ])('refuses %s (%s)', (address, range) => {
    expect(forbiddenAddressClass(address)).toBe(range);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(forbiddenAddressClass(address)).toBeNull();
  });

  const rules = { allowedHosts: [] as string[], requireHttps: false };

  it('refuses a name that resolves to loopback, unless the allow-list names it', async () => {
    await expect(checkTarget('http://localhost/x', rules)).rejects.toMatchObject({ code: ErrorCode.WebhookUrlNotAllowed });
    await expect(checkTarget('http://localhost/x', { ...rules, allowedHosts: ['localhost'] })).resolves.toBeUndefined();
    await expect(checkTarget('http://[::ffff:7f00:1]/x', rules)).rejects.toMatchObject({ code: ErrorCode.WebhookUrlNotAllowed });
  });

  it('refuses plain http when https is required', async () => {
    await expect(checkTarget('http://8.8.8.8/x', { ...rules, requireHttps: true })).rejects.toMatchObject({ code: ErrorCode.WebhookUrlNotAllowed });
  });

  describe('at connect time', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const get = (host: string, allowedHosts: string[]) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host, port, path: '/', family: 4, lookup: guardedLookup(host, { allowedHosts, requireHttps: false }) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });

    it('refuses to connect to a name that resolves to a private address', async () => {
      await expect(get('localhost', [])).rejects.toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED' });
    });

    it('connects when the allow-list names the host', async () => {
      await expect(get('localhost', ['localhost'])).resolves.toBe(200);
    });
  });
});
