import { loadConfig, serverErrorOptions } from '@inference-stack/kit'
import Fastify, { type FastifyInstance } from 'fastify'
import { onTestFinished } from 'vitest'
import app from '../src/app.js'
import { ClassifierConfigSchema, type ClassifierConfig } from '../src/contract.js'
import { MODELS_DIR, TEST_MODEL } from './model.js'

export function testConfig (env: Record<string, string> = {}): ClassifierConfig {
  return loadConfig(ClassifierConfigSchema, { MODELS_DIR, MODEL: TEST_MODEL, EXECUTION_PROVIDER: 'cpu', LOG_LEVEL: 'silent', ...env })
}

/**
 * The classifier app on a fastify with the kit's answers before routing (as createServer makes
 * it), warmed up, closed when the test ends. `sessionWorker`: another inference worker script.
 */
export async function buildApp (env: Record<string, string> = {}, sessionWorker?: URL): Promise<FastifyInstance> {
  const server = Fastify({ ...serverErrorOptions, logger: false })
  await server.register(app, { config: testConfig(env), sessionWorker })
  await server.ready()
  await server.classifier.warmedUp
  onTestFinished(async () => { await server.close() })
  return server
}

/** POSTs raw image bytes to /classify. */
export async function classifyRaw (server: FastifyInstance, body: Buffer, contentType = 'image/jpeg', query = '') {
  return await server.inject({ method: 'POST', url: `/classify${query}`, headers: { 'content-type': contentType }, payload: body })
}

/** Sum / count of a histogram in the app's registry. */
export async function histogramMean (server: FastifyInstance, name: string): Promise<{ sum: number, count: number }> {
  const metric = await server.metrics.getSingleMetric(name)?.get()
  const values = (metric?.values ?? []) as Array<{ metricName?: string, value: number }>
  const sum = values.find((v) => v.metricName === `${name}_sum`)?.value ?? 0
  const count = values.find((v) => v.metricName === `${name}_count`)?.value ?? 0
  return { sum, count }
}
