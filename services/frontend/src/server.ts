import { createServer, HEADERS_TIMEOUT_MS, listen, loadConfig, main } from '@inference-stack/kit'
import app from './app.js'
import { FrontendConfigSchema, trustProxy } from './config.js'

/** Past BODY_TIMEOUT_MS the proxy answers 408 JSON itself; Node's own cut-off stays a backstop behind it. */
const BACKSTOP_MARGIN_MS = 5_000

main(async () => {
  const config = loadConfig(FrontendConfigSchema)
  const server = createServer({
    name: 'frontend',
    logLevel: config.LOG_LEVEL,
    accessLog: config.ACCESS_LOG,
    fastify: { requestTimeout: HEADERS_TIMEOUT_MS + config.BODY_TIMEOUT_MS + BACKSTOP_MARGIN_MS, trustProxy: trustProxy(config.TRUST_PROXY) }
  })
  await server.register(app, { config, metricsListener: true })
  const address = await listen(server, { host: config.HOST, port: config.PORT })
  server.log.info({ prime: config.PRIME_URL, classifier: config.CLASSIFIER_URL }, `page at ${address}/`)
})
