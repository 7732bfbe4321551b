import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import { drain, errorBody, expectContinue, health, installErrorHandling, metrics, openapi } from '@inference-stack/kit'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import type { PrimeConfig } from './config.js'
import { pool } from './plugins/pool.js'
import { checkRoutes } from './routes/check.js'

export interface AppOptions {
  config: PrimeConfig
  /** Another check-worker script for the pool (tests); the real one by default. */
  workerEntry?: URL
}

/**
 * Server options the app needs: fastify's default `maxParamLength` (100) would answer 404 to
 * `GET /check/<101 digits>` (Node's 16 KiB header limit bounds the URL anyway), and errors met
 * before routing (a malformed percent-encoding such as `/check/%ZZ`) get our JSON error body.
 */
export const PRIME_SERVER_OPTIONS: FastifyServerOptions = {
  routerOptions: { maxParamLength: 16 * 1024 },
  frameworkErrors: (err: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 400
    reply.code(status).send(errorBody('PRIME_BAD_URL', `${err.message}: percent-encoding must form valid UTF-8`))
  }
}

/** The prime service: exact primality checks over HTTP, with health, metrics and OpenAPI docs. */
export default async function app (app: FastifyInstance, { config, workerEntry }: AppOptions) {
  // TypeBox's validator never coerces the body: a JSON number 97 stays a number and is refused,
  // and parameters reach the parser as the raw (URL-decoded) string.
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  await app.register(openapi, {
    title: 'prime',
    description: 'Exact primality checks for integers of up to PRIME_MAX_DIGITS decimal digits.',
    version: '0.1.0'
  })
  await app.register(metrics, { service: 'prime' })
  installErrorHandling(app, 'PRIME')
  await app.register(health)
  await app.register(drain)
  await app.register(expectContinue, { tooLargeCode: 'PRIME_BODY_TOO_LARGE' })
  await app.register(pool, { config, workerEntry })
  await app.register(checkRoutes, { config })
}
