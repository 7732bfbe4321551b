// HTTP/1.1 message framing, written out for the raw client: a test of framing cannot lean on a
// client library's.

/** A response head as read: status, protocol, headers, and where the body starts. */
export interface Parsed { status: number, version: string, headers: Record<string, string>, headEnd: number }

export function parseHead (buf: Buffer, from: number): Parsed | undefined {
  const end = buf.indexOf('\r\n\r\n', from)
  if (end < 0) return undefined
  const [statusLine = '', ...lines] = buf.subarray(from, end).toString('latin1').split('\r\n')
  const match = /^(HTTP\/\d\.\d) (\d{3})/.exec(statusLine)
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  return { status: match ? Number(match[2]) : 0, version: match?.[1] ?? '', headers, headEnd: end + 4 }
}

/** Where the body of a final answer ends, or undefined while more bytes are needed (or it runs to the close). */
export function bodyEnd (buf: Buffer, head: Parsed, request: string): number | undefined {
  if (request.startsWith('HEAD ') || head.status === 204 || head.status === 304) return head.headEnd
  const length = head.headers['content-length']
  if (length !== undefined) return buf.length >= head.headEnd + Number(length) ? head.headEnd + Number(length) : undefined
  if (/chunked/i.test(head.headers['transfer-encoding'] ?? '')) {
    let at = head.headEnd
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at)
      if (lineEnd < 0) return undefined
      const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16)
      if (Number.isNaN(size)) return undefined
      if (size === 0) {
        const trailerEnd = buf.indexOf('\r\n\r\n', lineEnd)
        return trailerEnd < 0 ? undefined : trailerEnd + 4
      }
      at = lineEnd + 2 + size + 2
      if (at > buf.length) return undefined
    }
  }
  return undefined
}

/** The payload of a chunked body. */
export function dechunk (body: Buffer): Buffer {
  const out: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at)
    if (lineEnd < 0) break
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16)
    if (!(size > 0)) break
    out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return Buffer.concat(out)
}

/** A request head with CRLF line ends; `headers` written in order, exactly as given. */
export function head (method: string, path: string, headers: Array<[string, string]>, version = 'HTTP/1.1'): string {
  return `${method} ${path} ${version}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
}

/** A body in chunked framing, in chunks of `size` bytes. */
export function chunked (body: Buffer, size = 64 * 1024): Buffer {
  const parts: Buffer[] = []
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size)
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from('0\r\n\r\n'))
  return Buffer.concat(parts)
}
