import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { FRONTEND_ERRORS } from '../contract.js'

/** Where `npm run build` puts the page: services/frontend/dist/public (same from src/ and dist/). */
export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../../dist/public', import.meta.url))

export interface StaticPageOptions { root?: string }

/** Serves the built page at `/`; without a build, `/` says how to make one. */
export const staticPage = fp(async function staticPage (app: FastifyInstance, opts: StaticPageOptions) {
  const root = opts.root ?? DEFAULT_PUBLIC_DIR
  if (!existsSync(join(root, 'index.html'))) {
    const message = `the page is not built (${join(root, 'index.html')} is missing); run npm run build`
    app.log.warn(message)
    // Said once above: not again for every request.
    app.get('/', { logLevel: 'error' }, async () => { throw FRONTEND_ERRORS.error('page_not_built', message) })
    return
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: 'index.html',
    // File names are not content-hashed: revalidate instead of caching blindly.
    cacheControl: true,
    maxAge: 0
  })
}, { name: 'frontend-static' })
