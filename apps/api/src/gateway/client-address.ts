/**
 * The address a client's handshakes are counted against. For now the socket's own peer: behind a
 * reverse proxy that is the proxy, shared by every client, until a trusted-proxy setting says which
 * forwarded address to believe. Everything that limits by address reads it here, so that setting
 * changes one function.
 */
export function clientAddress(socket: { handshake: { address: string } }): string {
  // An IPv4 client of a dual-stack listener shows up as ::ffff:a.b.c.d; one client, one key.
  return socket.handshake.address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}
