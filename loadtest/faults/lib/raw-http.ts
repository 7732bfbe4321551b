import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { bodyEnd, dechunk, parseHead, type Parsed } from './http-framing.js'

export { chunked, head } from './http-framing.js'

/** An answer read off a raw socket, as the bytes came. */
export interface RawAnswer {
  /** 0 when no status line came before the socket ended. */
  status: number
  /** The status line's protocol, e.g. HTTP/1.1. */
  version: string
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>
  body: Buffer
  /** Interim answers (100 Continue) seen before the final one. */
  interim: number[]
  /** The server closed the connection after its answer (or before one). */
  closed: boolean
  /** The connection was reset (ECONNRESET, EPIPE) rather than closed in order. */
  reset: boolean
  /** Milliseconds from the first byte sent to the end of the answer. */
  ms: number
}

/**
 * One piece of what a raw client sends: bytes, a pause, a wait for `100 Continue` (what curl
 * does before a body it announced with `Expect: 100-continue`; a final answer instead ends it),
 * or a call once everything before it is written.
 */
export type RawPart = Buffer | string | { pauseMs: number } | { awaitContinueMs: number } | { sent: () => void }

export interface RawOptions {
  /** Give up after this long, answer or not (the result then has status 0 unless a head came). */
  timeoutMs?: number
  /** Keep sending the remaining parts after a final answer came (default: stop, as a client that reads answers would). */
  sendAfterAnswer?: boolean
  /** After the answer, wait a moment for the server to close the connection, to tell whether it does. */
  awaitClose?: boolean
}

/**
 * Sends `parts` on a fresh TCP connection as written (no client library between: framing, header
 * order and pauses are exactly the test's) and reads one final answer, or up to the close.
 */
export async function rawRequest (url: string, parts: RawPart[], opts: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  const socket: Socket = connect(Number(port), hostname)
  socket.setNoDelay(true)
  const started = performance.now()
  let buf: Buffer = Buffer.alloc(0)
  let closed = false
  let reset = false
  let final: Parsed | undefined
  let finished = false
  const interim: number[] = []
  let onInterim = (): void => {}
  const request = parts.map((p) => typeof p === 'string' ? p : Buffer.isBuffer(p) ? p.subarray(0, 16).toString('latin1') : '').join('')

  const done = new Promise<void>((resolve) => {
    const check = (): void => {
      for (let from = 0; final === undefined;) {
        const head = parseHead(buf, from)
        if (head === undefined) return
        if (head.status >= 100 && head.status < 200 && head.status !== 101) {
          interim.push(head.status)
          onInterim()
          buf = buf.subarray(head.headEnd)
          from = 0
          continue
        }
        final = head
      }
      const end = bodyEnd(buf, final, request)
      if (end !== undefined) { buf = buf.subarray(0, end); finished = true; resolve() }
    }
    socket.on('data', (chunk: Buffer) => { buf = Buffer.concat([buf, chunk]); check(); if (final !== undefined) onInterim() })
    socket.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'ECONNRESET' || err.code === 'EPIPE') reset = true; onInterim(); resolve() })
    socket.on('close', () => { closed = true; onInterim(); resolve() })
    setTimeout(resolve, opts.timeoutMs ?? 30_000).unref()
  })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))

  const sending = (async () => {
    for (const part of parts) {
      if (finished && opts.sendAfterAnswer !== true) return
      if (socket.destroyed) return
      if (typeof part === 'object' && 'pauseMs' in part) { await sleep(part.pauseMs); continue }
      if (typeof part === 'object' && 'sent' in part) { part.sent(); continue }
      if (typeof part === 'object' && 'awaitContinueMs' in part) {
        if (interim.includes(100) || final !== undefined) continue
        await new Promise<void>((resolve) => { onInterim = resolve; setTimeout(resolve, part.awaitContinueMs).unref() })
        continue
      }
      if (!socket.write(part)) await new Promise<void>((resolve) => { socket.once('drain', resolve); socket.once('close', resolve) })
    }
  })().catch(() => {})

  await done
  const ms = performance.now() - started
  // Whether the server closes after its answer: a short wait for the FIN that follows it.
  if (finished && !closed && opts.awaitClose === true) await new Promise<void>((resolve) => { socket.once('close', () => { closed = true; resolve() }); setTimeout(resolve, 300).unref() })
  // Closed by the server: what is known before this side closes its end.
  const serverClosed = closed
  socket.destroy()
  await sending
  const head: Parsed = final ?? { status: 0, version: '', headers: {}, headEnd: buf.length }
  let body: Buffer = buf.subarray(Math.min(head.headEnd, buf.length))
  if (/chunked/i.test(head.headers['transfer-encoding'] ?? '')) body = dechunk(body)
  return { status: head.status, version: head.version, headers: head.headers, body, interim, closed: serverClosed, reset, ms }
}
