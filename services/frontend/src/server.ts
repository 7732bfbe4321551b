import { createServer, listen, loadConfig, main } from '@inference-stack/kit'
import app from './app.js'
import { FrontendConfigSchema } from './config.js'

/** Time allowed to receive a whole request: a 20 MB photo over a slow phone link needs more than the kit's 30 s. */
const REQUEST_TIMEOUT_MS = 120_000

main(async () => {
  const config = loadConfig(FrontendConfigSchema)
  const server = createServer({ name: 'frontend', logLevel: config.LOG_LEVEL, fastify: { requestTimeout: REQUEST_TIMEOUT_MS } })
  await server.register(app, { config, metricsListener: true })
  const address = await listen(server, { host: config.HOST, port: config.PORT })
  server.log.info({ prime: config.PRIME_URL, classifier: config.CLASSIFIER_URL }, `page at ${address}/`)
})
