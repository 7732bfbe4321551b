import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** How long a connection is still read after an answer that came before its request's whole body (nginx: lingering_time). */
export const LINGER_MS = 2_000
/** The most bytes of such a body read (and dropped) before the connection is closed anyway. */
export const LINGER_MAX_BYTES = 16 * 1024 * 1024
/** How often the bytes read while lingering are counted. */
const LINGER_CHECK_MS = 50

const lingering = new WeakSet<Socket>()

/**
 * Whether the socket's answer is out and the rest of a body is being dropped: what its client
 * does now (closing mid-body, a malformed chunk) is no new error to answer or count.
 */
export function isLingering (socket: Socket): boolean {
  return lingering.has(socket)
}

/** A request that announced a body (Content-Length above 0, or Transfer-Encoding). */
function announcesBody (raw: IncomingMessage): boolean {
  const length = raw.headers['content-length']
  return (length !== undefined && length !== '0') || raw.headers['transfer-encoding'] !== undefined
}

/**
 * Lingering close, as nginx does it (lingering_close). An answer sent before its request's body has
 * all arrived (a declared length over the limit, a body too slow, no room to buffer it, a service
 * shutting down) ends the connection: nobody wants the rest of that body. But a socket closed while
 * data still arrives makes the kernel answer with a reset, and a client still writing its body
 * (no `Expect: 100-continue`) can lose the answer it had not read yet: it sees "connection reset"
 * instead of the 413. So such an answer carries `Connection: close`, and after it the server shuts
 * down its side only (the client reads the answer, then end of stream), reads what the client
 * still sends and drops it, never keeping it, until the client closes its side, LINGER_MS pass or
 * LINGER_MAX_BYTES are read; then it closes the socket. Every service registers it (kit service()).
 */
export const lingeringClose = fp(async function lingeringClose (app: FastifyInstance) {
  // A callback hook: it runs on every answer and costs no promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw
    // The response's socket: a request stream its reader destroyed (a for-await that threw) has let go of its own.
    const socket = reply.raw.socket
    if (!raw.complete && raw.httpVersionMajor === 1 && socket !== null && !socket.destroyed && announcesBody(raw)) {
      reply.header('connection', 'close')
      linger(raw, socket)
    }
    done(null, payload)
  })
}, { name: 'kit-lingering-close' })

/** Node's mark on a request whose body nobody reads (IncomingMessage._dump sets it): its HTTP parser then drops the body's bytes. */
interface Dumped { _dumped: boolean }

function linger (raw: IncomingMessage, socket: Socket): void {
  lingering.add(socket)
  // What Node does to a body no handler read, whoever was reading this one (a parser that gave up,
  // a stream its reader destroyed): the parser drops the bytes instead of queueing them.
  const dumped: Dumped = raw as unknown as Dumped
  dumped._dumped = true
  // Node ends a `Connection: close` answer with socket.destroySoon(), which closes the socket as
  // soon as the answer is written: replaced, for this socket only, by a half-close that lingers.
  socket.destroySoon = function lingerThenClose () {
    socket.end()
    // Reading may have stopped while the request stream was full or gone.
    socket.resume()
    const from = socket.bytesRead
    const check = setInterval(() => { if (socket.bytesRead - from > LINGER_MAX_BYTES) socket.destroy() }, LINGER_CHECK_MS)
    const timer = setTimeout(() => { socket.destroy() }, LINGER_MS)
    socket.once('close', () => { clearTimeout(timer); clearInterval(check) })
  }
}
