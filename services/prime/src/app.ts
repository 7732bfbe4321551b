import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import { service } from '@inference-stack/kit'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { PRIME_ERRORS, type PrimeConfig } from './contract.js'
import { pool } from './plugins/pool.js'
import { checkRoutes } from './routes/check.js'

export interface AppOptions {
  config: PrimeConfig
  /** Another check-worker script for the pool (tests); the real one by default. */
  workerEntry?: URL
}

/**
 * Server options the app needs: fastify's default `maxParamLength` (100) would answer 404 to
 * `GET /check/<101 digits>` (Node's 16 KiB header limit bounds the URL anyway). (A malformed
 * percent-encoding such as `/check/%ZZ` gets 400 PRIME_BAD_URL from the kit's createServer.)
 */
export const PRIME_SERVER_OPTIONS: FastifyServerOptions = {
  routerOptions: { maxParamLength: 16 * 1024 }
}

/**
 * The prime service as a fastify plugin: the kit's service plugins, then the worker pool, then the
 * routes. Exact primality checks over HTTP, with health, metrics and OpenAPI docs.
 */
export default fp(async function primeApp (app: FastifyInstance, { config, workerEntry }: AppOptions) {
  // TypeBox's validator never coerces the body: a JSON number 97 stays a number and is refused,
  // and parameters reach the parser as the raw (URL-decoded) string.
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  await app.register(service, {
    name: 'prime',
    errors: PRIME_ERRORS,
    retryAfterS: config.RETRY_AFTER_S,
    openapi: {
      title: 'prime',
      description: 'Exact primality checks for integers of up to PRIME_MAX_DIGITS decimal digits.',
      version: '0.1.0'
    }
  })
  await app.register(pool, { config, workerEntry })
  await app.register(checkRoutes, { config })
}, { name: 'prime-app' })
