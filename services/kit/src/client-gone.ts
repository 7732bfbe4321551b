import type { FastifyReply, FastifyRequest } from 'fastify'

const signals = new WeakMap<FastifyRequest, AbortSignal>()

/**
 * A signal that aborts when the client goes away before its answer is sent (it disconnected, or
 * gave up at its own timeout and closed the connection): work queued for it can be dropped.
 * Not fastify's `request.signal`: Node closes the request stream as soon as its body has been
 * read, which aborts that signal for every request with a body. The response's `close` before it
 * finished is what tells a client gone.
 */
export function clientGone (request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const known = signals.get(request)
  if (known !== undefined) return known
  const controller = new AbortController()
  signals.set(request, controller.signal)
  const gone = (): void => {
    if (!reply.raw.writableFinished && !reply.sent) controller.abort(new Error('the client went away before its answer'))
  }
  if (request.raw.socket?.destroyed === true) gone()
  else reply.raw.once('close', gone)
  return controller.signal
}
