import { once } from 'node:events'
import { createServer } from 'node:http'
import { errorBody } from '@inference-stack/kit/contract'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { FRONTEND_ERRORS } from '../contract.js'

export interface MetricsPortOptions { host: string, port: number }

/**
 * `GET /metrics` on a listener of its own (METRICS_PORT), so the public port serves no internals:
 * Prometheus reaches it on the internal network, and compose does not publish it. A bare
 * node:http server: one route, no hooks, no security headers to pay for on each scrape.
 */
export const metricsPort = fp(async function metricsPort (app: FastifyInstance, opts: MetricsPortOptions) {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    const answer = (status: number, type: string, body: string): void => {
      response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body)
    }
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      answer(FRONTEND_ERRORS.specs.not_found.status, 'application/json; charset=utf-8', JSON.stringify(errorBody(FRONTEND_ERRORS.specs.not_found.code, `no route for ${request.method ?? 'GET'} ${path}; this port serves GET /metrics`)))
      return
    }
    app.metrics.metrics().then((text) => { answer(200, app.metrics.contentType, text) }, (err: unknown) => {
      app.log.error({ err }, 'collecting metrics failed')
      answer(500, 'application/json; charset=utf-8', JSON.stringify(errorBody(FRONTEND_ERRORS.specs.internal.code, 'collecting metrics failed; see the service log')))
    })
  })
  server.listen(opts.port, opts.host)
  try {
    await once(server, 'listening')
  } catch (err) {
    throw new Error(`cannot serve metrics on ${opts.host}:${opts.port} (METRICS_PORT): ${(err as Error).message}`, { cause: err })
  }
  const address = server.address()
  app.log.info(`metrics at http://${opts.host}:${typeof address === 'object' && address !== null ? address.port : opts.port}/metrics`)
  app.addHook('onClose', async () => {
    server.close()
    server.closeAllConnections()
  })
}, { name: 'frontend-metrics-port', dependencies: ['frontend-metrics'] })
