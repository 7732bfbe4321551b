/** The upstreams' names, as in `Upstream.name`. */
export type UpstreamName = 'prime' | 'classifier'

/** Which body limit a route's uploads get (FrontendConfig: MAX_UPLOAD_BYTES, MAX_INFER_BYTES, MAX_PRIME_BODY_BYTES). */
export type BodyKind = 'image' | 'infer' | 'prime'

/**
 * One public API route: `prefix + path` here, `path` on the upstream. Only these are forwarded;
 * everything else under /api answers 404 here, so the upstreams' /metrics, /readyz and /docs
 * stay on the internal network.
 */
export interface PublicRoute {
  method: 'GET' | 'POST'
  upstream: UpstreamName
  /** The upstream's route pattern, in fastify syntax (`/check/:number`). */
  path: string
  /** What the frontend puts before it: the public route is `prefix + path`. */
  prefix: string
  body?: BodyKind
  /**
   * The trailing parameter may be longer than the router's 100-character parameter limit (which
   * answers 414): it is matched with a wildcard, and the upstream judges it.
   */
  longParam?: true
}

const prime = (method: PublicRoute['method'], path: string, body?: BodyKind): PublicRoute =>
  ({ method, upstream: 'prime', path, prefix: '/api/prime', ...(body === undefined ? {} : { body }) })
const classifier = (method: PublicRoute['method'], path: string, body?: BodyKind): PublicRoute =>
  ({ method, upstream: 'classifier', path, prefix: '/api/classifier', ...(body === undefined ? {} : { body }) })

/** KServe v2 model routes exist with and without a version. */
const v2Model = ['/v2/models/:name', '/v2/models/:name/versions/:version'].flatMap((model) => [
  classifier('GET', model),
  classifier('GET', `${model}/ready`),
  classifier('POST', `${model}/infer`, 'infer')
])

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  // Numbers of thousands of digits: prime answers 400 naming its PRIME_MAX_DIGITS, not a 414 here.
  { ...prime('GET', '/check/:number'), longParam: true },
  prime('POST', '/check', 'prime'),
  // The one route whose prefix is not the service's: the page and the README call it /api/classify.
  { method: 'POST', upstream: 'classifier', path: '/classify', prefix: '/api', body: 'image' },
  classifier('GET', '/info'),
  classifier('GET', '/v2'),
  classifier('GET', '/v2/health/live'),
  classifier('GET', '/v2/health/ready'),
  ...v2Model
]

/** `/check/:number` -> `/check/{number}`, as OpenAPI writes paths. */
export function openApiPath (path: string): string {
  return path.replace(/:(\w+)/g, '{$1}')
}
