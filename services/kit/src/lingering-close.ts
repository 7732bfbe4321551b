import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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

/**
 * Whether the rest of a request's body is not worth reading after an early answer: a body of
 * unknown length (chunked), one over the route's limit or LINGER_MAX_BYTES, one refused for its
 * size or slowness (413, 408), a request stream its reader destroyed, or an answer that closes the connection anyway (`Connection: close`, a service
 * shutting down). Any other body (a declared length within the limit, refused for another reason:
 * a 503 under overload, a 415) is read and dropped by Node itself, and the connection stays open:
 * closing a keep-alive connection on every early 503 would make an upstream pool (the frontend's)
 * reconnect for each refused request just when the service is busiest.
 */
function restIsUnwanted (request: FastifyRequest, reply: FastifyReply): boolean {
  const raw = request.raw
  if (raw.headers['transfer-encoding'] !== undefined) return true
  const length = Number(raw.headers['content-length'] ?? 0)
  if (!(length > 0)) return false
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY
  return length > Math.min(limit, LINGER_MAX_BYTES) ||
    // Too large, or too slow to come: the rest is not waited for.
    reply.statusCode === 413 || reply.statusCode === 408 ||
    // A request stream its reader destroyed can no longer take the rest for Node to drop.
    raw.destroyed ||
    /close/i.test(String(reply.getHeader('connection') ?? ''))
}

/**
 * Lingering close, as nginx does it (lingering_close). An answer sent before its request's body has
 * all arrived, where the rest is not worth reading (a body over the limit or of unknown length, a
 * service shutting down: restIsUnwanted), ends the connection: nobody wants the rest of that body. But a socket closed while
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
    if (!raw.complete && raw.httpVersionMajor === 1 && socket !== null && !socket.destroyed && restIsUnwanted(request, reply)) {
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
