import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** A readiness probe: resolves to `true` when ready, or a reason string when not. */
export type ReadinessCheck = () => Promise<true | string> | true | string

export interface HealthOptions {
  /** Checks that must all pass for `/readyz` to answer 200. */
  checks?: Record<string, ReadinessCheck>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds a named readiness check after registration (e.g. by the model plugin). */
    addReadinessCheck: (name: string, check: ReadinessCheck) => void
  }
}

/** `/healthz`: the process runs. `/readyz`: every readiness check passes. */
export const health = fp(async function health (app: FastifyInstance, opts: HealthOptions) {
  const checks = new Map(Object.entries(opts.checks ?? {}))
  app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => { checks.set(name, check) })

  const hide = { hide: true }
  app.get('/healthz', { schema: hide, logLevel: 'warn' }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: hide, logLevel: 'warn' }, async (_request, reply) => {
    const results: Record<string, string> = {}
    let ready = true
    await Promise.all([...checks].map(async ([name, check]) => {
      let outcome: true | string
      try { outcome = await check() } catch (err) { outcome = (err as Error).message }
      results[name] = outcome === true ? 'ok' : outcome
      if (outcome !== true) ready = false
    }))
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results })
  })
}, { name: 'kit-health' })
