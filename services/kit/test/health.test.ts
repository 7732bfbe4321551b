import Fastify, { type FastifyInstance } from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { health, type HealthOptions } from '@inference-stack/kit'

async function withHealth (opts: HealthOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(health, opts)
  onTestFinished(() => app.close())
  return app
}

describe('health', () => {
  it('answers /healthz 200 whatever the readiness checks say', async () => {
    const app = await withHealth({ checks: { db: () => 'down' } })
    const res = await app.inject('/healthz')
    expect([res.statusCode, res.json()]).toEqual([200, { status: 'ok' }])
  })

  it('answers /readyz 200 when every check passes, naming each', async () => {
    const app = await withHealth({ checks: { a: () => true, b: async () => true as const } })
    const res = await app.inject('/readyz')
    expect([res.statusCode, res.json()]).toEqual([200, { status: 'ready', checks: { a: 'ok', b: 'ok' } }])
  })

  it('answers /readyz 503 with the reason of each failing check, a throwing one included', async () => {
    const app = await withHealth({
      checks: { up: () => true, warming: () => 'warming up', broken: async () => { throw new Error('probe exploded') } }
    })
    const res = await app.inject('/readyz')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'not ready', checks: { up: 'ok', warming: 'warming up', broken: 'probe exploded' } })
  })

  it('takes checks and facts added after registration (a model plugin adds its own)', async () => {
    const app = await withHealth()
    let ready = false
    app.addReadinessCheck('model', () => ready || 'loading')
    app.addReadinessInfo('executionProvider', () => 'cpu')
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'not ready', checks: { model: 'loading' }, info: { executionProvider: 'cpu' } })
    ready = true
    expect((await app.inject('/readyz')).statusCode).toBe(200)
  })
})
