import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CLASSIFIER_ERRORS, ErrorSchema } from '../contract.js'

/**
 * The classifier with no usable model (ON_MISSING_MODEL=unready, as `npm start` runs it):
 * alive, never ready, and every model route answers one 503 `CLASSIFIER_NO_MODEL` whose
 * message says how to install the model, so the page can say so instead of "try again".
 * No Retry-After (the error table's entry): retrying does not help until someone installs the model and restarts.
 */
export const noModel = fp(async function noModel (app: FastifyInstance, { reason }: { reason: string }) {
  const message = `no model is installed: ${reason}`
  // The reason is long and said where it is needed (/readyz, every refusal, npm start's own line): one short line here.
  app.log.warn('no model is installed: every model route answers 503 CLASSIFIER_NO_MODEL, and /readyz says how to install one')
  app.addReadinessCheck('model', () => message)
  app.addReadinessInfo('executionProvider', () => 'none')
  const refuse = async (): Promise<never> => { throw CLASSIFIER_ERRORS.error('no_model', message) }
  // logLevel error: a page polling /info must not log the same warning on every load.
  const summary = (what: string) => ({ logLevel: 'error', schema: { summary: `${what} (no model is installed: 503 CLASSIFIER_NO_MODEL)`, response: { 503: ErrorSchema } } } as const)

  app.get('/info', summary('The model served and the settings in use'), refuse)
  // Refused in onRequest, before the upload is parsed: no body is read for nothing.
  app.post('/classify', { ...summary('Classify one image'), onRequest: refuse }, refuse)

  // Open Inference Protocol: live, not ready, and its `{ "error": "message" }` shape.
  const v2 = { logLevel: 'error', config: { errorFormat: 'kserve' }, onRequest: refuse } as const
  app.get('/v2', async () => ({ name: 'inference-stack-classifier', version: '0.1.0', extensions: ['classification'] }))
  app.get('/v2/health/live', { logLevel: 'warn' }, async () => ({ live: true }))
  app.get('/v2/health/ready', { logLevel: 'warn' }, async (_request, reply) => await reply.code(503).send({ ready: false }))
  app.all('/v2/models/*', v2, refuse)
}, { name: 'classifier-no-model', dependencies: ['kit-health'] })
