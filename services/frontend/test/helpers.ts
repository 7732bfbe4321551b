import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '@inference-stack/kit'
import Fastify, { type FastifyInstance } from 'fastify'
import { onTestFinished } from 'vitest'
import primeApp, { PRIME_SERVER_OPTIONS } from '@inference-stack/prime/app'
import { PrimeConfigSchema } from '@inference-stack/prime/contract'
import app from '../src/app.js'
import { FrontendConfigSchema, trustProxy } from '../src/contract.js'

/**
 * Builds the page as `npm run build` does, into a fresh temporary directory (pass it as
 * PUBLIC_DIR), so test files running in parallel never read a half-written bundle.
 */
export function buildPage (): { dir: string, remove: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'frontend-page-'))
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-page.mjs', import.meta.url)), '--outdir', dir], { stdio: 'pipe' })
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** Starts the frontend on port 0 with the given environment; closes it when the test ends. */
export async function startFrontend (env: Record<string, string>): Promise<{ url: string, app: FastifyInstance }> {
  const config = loadConfig(FrontendConfigSchema, { LOG_LEVEL: 'silent', ...env })
  const server = Fastify({ logger: { level: config.LOG_LEVEL }, trustProxy: trustProxy(config.TRUST_PROXY) })
  await server.register(app, { config })
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => server.close())
  return { url, app: server }
}

/** The real prime service (services/prime) on port 0; closes when the test ends. */
export async function startPrime (): Promise<string> {
  const server = Fastify({ ...PRIME_SERVER_OPTIONS, forceCloseConnections: true })
  await server.register(primeApp, { config: loadConfig(PrimeConfigSchema, { LOG_LEVEL: 'silent', PRIME_WORKERS: '1' }) })
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => server.close())
  return url
}

export interface Upstream { url: string, app: FastifyInstance, hits: () => number }

/**
 * A real upstream on port 0 that imitates a service: `define` adds its routes.
 * Handlers that hang are released when the test ends.
 */
export async function startUpstream (define: (app: FastifyInstance, released: Promise<void>) => void): Promise<Upstream> {
  let count = 0
  let release = () => {}
  const released = new Promise<void>((resolve) => { release = resolve })
  const server = Fastify({ forceCloseConnections: true, bodyLimit: 64 * 1024 * 1024 })
  server.addHook('onRequest', async () => { count++ })
  // Like the classifier, accept any body (raw images, multipart) as bytes.
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
  define(server, released)
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(async () => {
    release()
    await server.close()
  })
  return { url, app: server, hits: () => count }
}

/** A URL where nothing listens: the port was just freed, so connections are refused. */
export async function refusedUrl (): Promise<string> {
  const server = Fastify()
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  await server.close()
  return url
}
