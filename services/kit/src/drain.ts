import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError, type ErrorSpec } from './error-table.js'

export interface DrainOptions {
  /** The service's name, in the message. */
  name?: string
  /** The 503 of a request that arrives while the server closes: the error table's `shutting_down` entry. */
  shuttingDown?: ErrorSpec
}

/**
 * Drain on close. A request that arrives once the server closes (on a kept-alive connection, or
 * one accepted just before) gets the table's `shutting_down` 503, JSON with Retry-After, from the
 * service's error handler: fastify's own answer (`return503OnClosing`, which the kit's
 * createServer turns off) has neither. Without `shuttingDown` it keeps fastify's behaviour.
 * Answers sent while the server closes carry `Connection: close`: without it, a keep-alive client
 * whose request was in flight (the frontend's proxy, any HTTP agent) keeps its socket open and
 * close() waits for keepAliveTimeout. Every service registers it (kit service()).
 */
export const drain = fp(async function drain (app: FastifyInstance, opts: DrainOptions) {
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  const spec = opts.shuttingDown
  const message = `the ${opts.name ?? ''}${opts.name === undefined ? '' : ' '}service is shutting down; retry shortly`
  // Callback hooks, not async ones: they run on every request and cost no promise.
  if (spec !== undefined) {
    app.addHook('onRequest', (_request, _reply, done) => {
      if (closing) done(new HttpError(spec, message))
      else done()
    })
  }
  app.addHook('onSend', (request, reply, payload, done) => {
    if (closing && request.raw.httpVersionMajor < 2) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'kit-drain' })
