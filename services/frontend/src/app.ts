import { drain, health, installErrorHandling } from '@inference-stack/kit'
import type { FastifyInstance } from 'fastify'
import type { FrontendConfig } from './config.js'
import { healthProbe } from './lib/probe.js'
import type { Upstream } from './lib/upstream.js'
import { frontendMetrics } from './plugins/metrics.js'
import { proxy } from './plugins/proxy.js'
import { security } from './plugins/security.js'
import { staticPage } from './plugins/static.js'

export interface AppOptions { config: FrontendConfig }

/** The frontend: the page, `/api/*` forwarded to prime and the classifier, health and metrics. */
export default async function app (app: FastifyInstance, { config }: AppOptions) {
  const prime: Upstream = { name: 'prime', url: config.PRIME_URL, timeoutMs: config.PRIME_TIMEOUT_MS }
  const classifier: Upstream = { name: 'classifier', url: config.CLASSIFIER_URL, timeoutMs: config.CLASSIFIER_TIMEOUT_MS }

  await app.register(drain)
  await app.register(security)
  await app.register(frontendMetrics)
  installErrorHandling(app, 'FRONTEND')

  await app.register(health, {
    checks: {
      prime: healthProbe(prime, config.PROBE_TIMEOUT_MS),
      classifier: healthProbe(classifier, config.PROBE_TIMEOUT_MS)
    }
  })
  await app.register(proxy, { prime, classifier, maxUploadBytes: config.MAX_UPLOAD_BYTES })
  await app.register(staticPage, { root: config.PUBLIC_DIR })
}
