import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Answers sent while the server closes carry `Connection: close`. Fastify adds it only to requests
 * that arrive during close; without it, a keep-alive client whose check was in flight (the
 * frontend's proxy, any HTTP agent) keeps its socket open and close() waits for keepAliveTimeout. Every service registers it.
 */
export const drain = fp(async function drain (app: FastifyInstance) {
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  // A callback hook, not an async one: it runs on every answer and costs no promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (closing && request.raw.httpVersionMajor < 2) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'kit-drain' })
