import type { Expectation } from '../lib/cases.js'
import { head, type RawPart } from '../lib/raw-http.js'

/** A request that abuses HTTP itself, sent to every server (the frontend and each service) as written. */
export interface ProtocolCase {
  name: string
  /** The request, given the Host value and a route of this server that reads a body. */
  parts: (host: string, body: BodyRoute) => RawPart[]
  expect: Expectation
  /** Further checks of the raw answer's headers: a problem, or undefined. */
  headers?: (headers: Record<string, string>, version: string) => string | undefined
}

/** A route of a server that reads a request body, and a content type it accepts (so a case's only fault is its own). */
export interface BodyRoute { path: string, type: string }

const refused = (status: number): Expectation => ({ status, shape: 'kit', closes: true })
const ok: Expectation = { status: 200, shape: 'ok' }

/** Headers that belong to one connection and must never be passed on (RFC 9110 7.6.1). */
const HOP_BY_HOP = ['keep-alive', 'proxy-connection', 'proxy-authenticate', 'te', 'trailer', 'upgrade']

const noHopByHop = (headers: Record<string, string>): string | undefined => {
  const found = HOP_BY_HOP.filter((h) => headers[h] !== undefined)
  return found.length === 0 ? undefined : `hop-by-hop headers in the answer: ${found.join(', ')}`
}

/**
 * Smuggling attempts (both Content-Length and Transfer-Encoding, two lengths, bad chunk sizes),
 * oversized heads, HTTP/1.0 and Connection: close. Every one is refused with a JSON 4xx and the
 * connection closed, or answered and the connection's framing honoured.
 */
export function protocolCases (): ProtocolCase[] {
  return [
    {
      name: 'HTTP/1.0 without keep-alive: answered, then the connection is closed',
      parts: (host) => [head('GET', '/healthz', [['Host', host]], 'HTTP/1.0')],
      expect: { ...ok, closes: true },
      headers: (h) => h['transfer-encoding'] !== undefined ? 'chunked framing sent to an HTTP/1.0 client' : noHopByHop(h)
    },
    {
      name: 'Connection: close: answered with Connection: close, then closed',
      parts: (host) => [head('GET', '/healthz', [['Host', host], ['Connection', 'close']])],
      expect: { ...ok, closes: true },
      headers: (h) => /close/i.test(h.connection ?? '') ? noHopByHop(h) : `Connection: ${h.connection ?? '(none)'}, expected close`
    },
    {
      name: 'Content-Length and Transfer-Encoding together (CL.TE smuggling)',
      parts: (host) => [head('POST', '/healthz', [['Host', host], ['Content-Length', '6'], ['Transfer-Encoding', 'chunked']]), '0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'],
      expect: refused(400)
    },
    {
      name: 'two different Content-Length headers',
      parts: (host) => [head('POST', '/healthz', [['Host', host], ['Content-Length', '3'], ['Content-Length', '30']]), 'abc'],
      expect: refused(400)
    },
    {
      name: 'Transfer-Encoding: chunked, chunked is not the final coding',
      parts: (host) => [head('POST', '/healthz', [['Host', host], ['Transfer-Encoding', 'chunked, identity']]), '3\r\nabc\r\n0\r\n\r\n'],
      expect: refused(400)
    },
    {
      name: 'a chunk size that is not hexadecimal',
      parts: (host, body) => [head('POST', body.path, [['Host', host], ['Content-Type', body.type], ['Transfer-Encoding', 'chunked']]), 'zz\r\nabc\r\n0\r\n\r\n'],
      expect: refused(400)
    },
    {
      name: 'a header folded onto the next line (obs-fold)',
      parts: (host) => [`GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Folded: a\r\n b\r\n\r\n`],
      expect: refused(400)
    },
    {
      name: 'a space before the colon of a header',
      parts: (host) => [`GET /healthz HTTP/1.1\r\nHost: ${host}\r\nContent-Length : 5\r\n\r\nhello`],
      expect: refused(400)
    },
    {
      name: 'a bare LF inside a header value',
      parts: (host) => [`GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-A: a\nX-B: b\r\n\r\n`],
      expect: refused(400)
    },
    {
      name: 'a request line with an unknown HTTP version',
      parts: (host) => [`GET /healthz HTTP/9.9\r\nHost: ${host}\r\n\r\n`],
      expect: refused(400)
    },
    {
      name: 'a request line that is not HTTP',
      parts: () => ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello tls\r\n\r\n'],
      expect: refused(400)
    },
    {
      name: 'headers of 64 KB (over the 16 KiB limit)',
      parts: (host) => [head('GET', '/healthz', [['Host', host], ...Array.from({ length: 64 }, (_, i): [string, string] => [`X-Fill-${i}`, 'f'.repeat(1000)])])],
      expect: refused(431)
    },
    {
      name: 'a URL of 20,000 characters',
      parts: (host) => [head('GET', `/healthz?${'q'.repeat(20_000)}`, [['Host', host]])],
      expect: refused(431)
    },
    {
      name: 'a malformed percent-encoding in the path',
      parts: (host) => [head('GET', '/%E0%A4%A', [['Host', host]])],
      expect: { status: 400, shape: 'kit' }
    }
  ]
}
