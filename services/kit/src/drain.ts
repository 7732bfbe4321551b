import type { FastifyInstance } from 'fastify'
import { Server } from 'node:net'
import fp from 'fastify-plugin'
import { HttpError, type ErrorSpec } from './error-table.js'

/** How long connections accepted just before the port closed have to send their request. */
export const LAST_CALL_MS = 100

export interface DrainOptions {
  /** The service's name, in the message. */
  name?: string
  /** The 503 of a request that arrives while the server closes: the error table's `shutting_down` entry. */
  shuttingDown?: ErrorSpec
}

/**
 * Drain on close. The listener stays open until every request that arrived before the close is
 * answered: meanwhile a new request (on a new connection or a kept-alive one) gets the table's
 * `shutting_down` 503, JSON with Retry-After and `Connection: close`, from the service's error
 * handler (fastify's own answer, `return503OnClosing`, which the kit's createServer turns off, has
 * neither). Only then does fastify close the listener and the idle connections. Closing the
 * listener at once would reset connections the kernel had accepted but the service had not yet
 * taken, and make every client racing the close see a reset where it can read a 503. Without
 * `shuttingDown` new requests are served as usual while the earlier ones finish. Answers sent
 * while the server closes carry `Connection: close`: without it, a keep-alive client whose request
 * was in flight (the frontend's proxy, any HTTP agent) keeps its socket open and close() waits for
 * keepAliveTimeout. Every service registers it (kit service()); the supervisor's grace period
 * (closeWithGrace) bounds the whole drain.
 */
export const drain = fp(async function drain (app: FastifyInstance, opts: DrainOptions) {
  let closing = false
  /** Requests that arrived before the close began and are not answered yet. */
  let earlier = 0
  let allAnswered: (() => void) | undefined
  const spec = opts.shuttingDown
  const message = `the ${opts.name ?? ''}${opts.name === undefined ? '' : ' '}service is shutting down; retry shortly`
  // Callback hooks, not async ones: they run on every request and cost no promise.
  app.addHook('onRequest', (_request, reply, done) => {
    if (closing) {
      if (spec !== undefined) done(new HttpError(spec, message))
      else done()
      return
    }
    earlier++
    let counted = true
    const answered = (): void => {
      if (!counted) return
      counted = false
      if (--earlier === 0) allAnswered?.()
    }
    // 'finish' when the answer is written, 'close' when the client left first.
    reply.raw.once('finish', answered)
    reply.raw.once('close', answered)
    done()
  })
  app.addHook('preClose', async () => {
    closing = true
    if (earlier > 0) await new Promise<void>((resolve) => { allAnswered = resolve })
    if (!app.server.listening) return
    // Node's close() would end every connection without a request in progress, a client's that was
    // accepted a moment ago and whose request has not been read yet among them: that client would
    // see a reset. So the port stops taking connections first; those already taken have
    // LAST_CALL_MS to send their request (answered 503 as above); then fastify closes the rest.
    Server.prototype.close.call(app.server)
    await new Promise((resolve) => setTimeout(resolve, LAST_CALL_MS))
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    if (closing && request.raw.httpVersionMajor < 2) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'kit-drain' })
