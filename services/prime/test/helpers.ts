import { loadConfig, serverErrorOptions } from '@inference-stack/kit'
import Fastify, { type FastifyInstance } from 'fastify'
import { onTestFinished } from 'vitest'
import app, { PRIME_SERVER_OPTIONS } from '../src/app.js'
import { PrimeConfigSchema } from '../src/config.js'

async function build (env: Record<string, string>, workerEntry?: URL): Promise<FastifyInstance> {
  const server = Fastify({ ...serverErrorOptions, ...PRIME_SERVER_OPTIONS, logger: false })
  await server.register(app, { config: loadConfig(PrimeConfigSchema, { PRIME_WORKERS: '1', ...env }), workerEntry })
  await server.ready()
  return server
}

/**
 * The prime app as server.ts builds it, configured from `env` (one check worker unless `env` says
 * otherwise, whatever the machine's cores), closed when the test ends.
 */
export async function buildApp (env: Record<string, string> = {}, workerEntry?: URL): Promise<FastifyInstance> {
  const server = await build(env, workerEntry)
  onTestFinished(() => server.close())
  return server
}

const shared = new Map<string, Promise<FastifyInstance>>()

/**
 * One app per configuration for all the tests of a file that only send requests and read the
 * answers (starting its worker thread costs more than most tests): close with {@link closeSharedApps}.
 */
export async function sharedApp (env: Record<string, string> = {}): Promise<FastifyInstance> {
  const key = JSON.stringify(env)
  if (!shared.has(key)) shared.set(key, build(env))
  return await (shared.get(key) as Promise<FastifyInstance>)
}

export async function closeSharedApps (): Promise<void> {
  const apps = [...shared.values()]
  shared.clear()
  await Promise.all(apps.map(async (app) => await (await app).close()))
}

/** Settles with `label` when `promise` settles: lists of these record an order of completion. */
export async function labelled (promise: Promise<unknown>, label: string, order: string[]): Promise<void> {
  await promise.finally(() => order.push(label))
}
