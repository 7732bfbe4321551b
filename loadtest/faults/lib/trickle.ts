import { head, rawRequest, type RawAnswer, type RawPart } from './raw-http.js'

export interface TrickleOptions {
  /** Content-Length declared. */
  declared: number
  /** What is sent, `bytes` at a time (filler when absent). */
  body?: Buffer
  contentType: string
  /** Bytes sent per step, and the pause between steps. */
  bytes: number
  everyMs: number
  /** Steps before the client stops sending altogether (it then only waits). */
  steps: number
  /** How long the client waits for an answer, from its first byte. */
  timeoutMs: number
}

/**
 * A client that announces a body and sends it slowly (or stops): what a slow phone link or a
 * slowloris attack looks like from the server.
 */
export async function trickle (url: string, path: string, o: TrickleOptions): Promise<RawAnswer> {
  const { host } = new URL(url)
  const parts: RawPart[] = [head('POST', path, [['Host', host], ['Content-Type', o.contentType], ['Content-Length', String(o.declared)]])]
  for (let i = 0; i < o.steps; i++) {
    const piece = o.body === undefined ? 'x'.repeat(o.bytes) : o.body.subarray(i * o.bytes, (i + 1) * o.bytes)
    if (piece.length === 0) break
    parts.push(piece, { pauseMs: o.everyMs })
  }
  return await rawRequest(url, parts, { timeoutMs: o.timeoutMs, awaitClose: true })
}

/** A client that sends its request head a line at a time and never ends it. */
export async function slowHead (url: string, lineEveryMs: number, timeoutMs: number): Promise<RawAnswer> {
  const { host } = new URL(url)
  const parts: RawPart[] = [`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n`]
  for (let i = 0; i < Math.ceil(timeoutMs / lineEveryMs); i++) parts.push({ pauseMs: lineEveryMs }, `X-Slow-${i}: ${i}\r\n`)
  return await rawRequest(url, parts, { timeoutMs, awaitClose: true })
}
