import { createServer, listen, loadConfig, main } from '@inference-stack/kit'
import { ModelError } from '@inference-stack/models'
import app from './app.js'
import { ClassifierConfigSchema } from './config.js'
import { ProviderError } from './lib/provider.js'

main(async () => {
  const config = loadConfig(ClassifierConfigSchema)
  // Opening a large model (and hashing it) can outlast fastify's 10 s plugin timeout.
  const server = createServer({ name: 'classifier', logLevel: config.LOG_LEVEL, accessLog: config.ACCESS_LOG, fastify: { pluginTimeout: 300_000 } })
  try {
    await server.register(app, { config })
    await server.ready()
  } catch (err) {
    // A missing model, a wrong checksum or a provider that cannot start: the message says what to do.
    if (err instanceof ModelError || err instanceof ProviderError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  await listen(server, { host: config.HOST, port: config.PORT })
  // A model that loads but cannot run (e.g. out of GPU memory) must not leave a never-ready server behind.
  // (Without a model, ON_MISSING_MODEL=unready, there is nothing to warm up.)
  if (!server.hasDecorator('classifier')) return
  server.classifier.warmedUp.catch(async () => {
    await server.close()
    process.exit(1)
  })
})
