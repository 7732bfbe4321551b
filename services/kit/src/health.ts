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
    /** Adds a fact to every `/readyz` answer, under `info` (e.g. the execution provider in use). */
    addReadinessInfo: (name: string, value: () => unknown) => void
  }
}

/** `/healthz`: the process runs. `/readyz`: every readiness check passes (and what was added as info). */
export const health = fp(async function health (app: FastifyInstance, opts: HealthOptions) {
  const checks = new Map(Object.entries(opts.checks ?? {}))
  const info = new Map<string, () => unknown>()
  app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => { checks.set(name, check) })
  app.decorate('addReadinessInfo', (name: string, value: () => unknown) => { info.set(name, value) })

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
    const facts = info.size === 0 ? {} : { info: Object.fromEntries([...info].map(([name, value]) => [name, value()])) }
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results, ...facts })
  })
}, { name: 'kit-health' })
