import type { IncomingHttpHeaders } from 'node:http'

/**
 * Headers that describe one connection, not the message (RFC 9110 section 7.6.1): never forwarded
 * in either direction. `expect` is answered here (the kit's expectContinue), `host` and
 * `content-length` are the frontend's to set.
 */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host', 'content-length'
])

/** Names a `Connection` header lists: hop-by-hop too. */
function connectionListed (value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  const names = (Array.isArray(value) ? value.join(',') : value).toLowerCase().split(',').map((n) => n.trim())
  return names.filter((n) => n !== '' && n !== 'close' && n !== 'keep-alive')
}

/**
 * The end-to-end headers of a message (names lower-case, as Node and undici give them): what a
 * proxy may pass on. Without this, an upstream's `connection: keep-alive` would reach the client
 * and make Node keep open a connection the client asked to close (HTTP/1.0, `Connection: close`).
 */
export function endToEnd (headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const listed = connectionListed(headers.connection)
  const out: Record<string, string | string[]> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined || HOP_BY_HOP.has(name) || (listed.length > 0 && listed.includes(name))) continue
    out[name] = value
  }
  return out
}
