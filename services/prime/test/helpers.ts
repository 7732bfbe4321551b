import { loadConfig } from '@inference-stack/kit'
import Fastify, { type FastifyInstance } from 'fastify'
import { onTestFinished } from 'vitest'
import app, { PRIME_SERVER_OPTIONS } from '../src/app.js'
import { PrimeConfigSchema } from '../src/config.js'

/**
 * The prime app as server.ts builds it, configured from `env` (one check worker unless `env` says
 * otherwise, whatever the machine's cores), closed when the test ends.
 */
export async function buildApp (env: Record<string, string> = {}, workerEntry?: URL): Promise<FastifyInstance> {
  const server = Fastify({ ...PRIME_SERVER_OPTIONS, logger: false })
  await server.register(app, { config: loadConfig(PrimeConfigSchema, { PRIME_WORKERS: '1', ...env }), workerEntry })
  await server.ready()
  onTestFinished(() => server.close())
  return server
}

/** Settles with `label` when `promise` settles: lists of these record an order of completion. */
export async function labelled (promise: Promise<unknown>, label: string, order: string[]): Promise<void> {
  await promise.finally(() => order.push(label))
}
