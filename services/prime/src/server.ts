import { createServer, listen, loadConfig, main } from '@inference-stack/kit'
import app, { PRIME_SERVER_OPTIONS } from './app.js'
import { PrimeConfigSchema } from './config.js'

main(async () => {
  const config = loadConfig(PrimeConfigSchema)
  const server = createServer({ name: 'prime', logLevel: config.LOG_LEVEL, accessLog: config.ACCESS_LOG, fastify: PRIME_SERVER_OPTIONS })
  await server.register(app, { config })
  await listen(server, { host: config.HOST, port: config.PORT })
})
