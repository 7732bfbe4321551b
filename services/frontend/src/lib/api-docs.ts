import type { OpenApiDocument, UpstreamDocument } from './openapi-merge.js'
import type { UpstreamName } from './public-routes.js'
import { rootCode, type Upstream } from './upstream.js'

/** How long an upstream's document is kept before it is fetched again (a restart may change its limits). */
export const DOCS_TTL_MS = 60_000

interface Cached { entry: UpstreamDocument, fetchedAt: number }

/**
 * The upstreams' OpenAPI documents (their `/docs/json` on the internal network), fetched when asked
 * for, kept for DOCS_TTL_MS, and fetched again at the next request while an upstream was down.
 * Concurrent requests share one fetch.
 */
export class UpstreamDocs {
  readonly #upstreams: Upstream[]
  readonly #timeoutMs: number
  readonly #cache = new Map<UpstreamName, Cached>()
  #refreshing: Promise<void> | undefined

  constructor (upstreams: Upstream[], timeoutMs: number) {
    this.#upstreams = upstreams
    this.#timeoutMs = timeoutMs
  }

  /** Fetches every document that is missing or stale. */
  async refresh (): Promise<void> {
    const now = Date.now()
    const stale = this.#upstreams.filter((u) => {
      const cached = this.#cache.get(u.name)
      return cached === undefined || 'missing' in cached.entry || now - cached.fetchedAt > DOCS_TTL_MS
    })
    if (stale.length === 0) return
    this.#refreshing ??= Promise.all(stale.map(async (u) => {
      this.#cache.set(u.name, { entry: await this.#fetch(u), fetchedAt: Date.now() })
    })).then(() => { this.#refreshing = undefined })
    await this.#refreshing
  }

  /** The documents as last fetched. */
  current (): Record<UpstreamName, UpstreamDocument> {
    const out: Partial<Record<UpstreamName, UpstreamDocument>> = {}
    for (const u of this.#upstreams) out[u.name] = this.#cache.get(u.name)?.entry ?? { missing: 'not fetched yet' }
    return out as Record<UpstreamName, UpstreamDocument>
  }

  async #fetch (upstream: Upstream): Promise<UpstreamDocument> {
    const url = new URL('/docs/json', upstream.url)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) })
      if (!res.ok) {
        await res.body?.cancel()
        return { missing: `GET ${url} answered ${res.status}` }
      }
      const document = await res.json() as OpenApiDocument
      if (typeof document.paths !== 'object' || document.paths === null) return { missing: `GET ${url} is no OpenAPI document` }
      return { document }
    } catch (err) {
      return { missing: `GET ${url} failed (${rootCode(err) ?? (err as Error).message})` }
    }
  }
}
