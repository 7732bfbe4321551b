import type { ErrorFormat } from '@inference-stack/kit'

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
  /** The shape of the frontend's own error answers on this route: `kserve` for the KServe v2 routes (default: the project's JSON). */
  errorFormat?: ErrorFormat
}

const prime = (method: PublicRoute['method'], path: string, body?: BodyKind): PublicRoute =>
  ({ method, upstream: 'prime', path, prefix: '/api/prime', ...(body === undefined ? {} : { body }) })
const classifier = (method: PublicRoute['method'], path: string, body?: BodyKind): PublicRoute =>
  ({ method, upstream: 'classifier', path, prefix: '/api/classifier', ...(body === undefined ? {} : { body }) })

/** A KServe v2 route of the classifier: its errors are `{ "error": "message" }`, the frontend's own included. */
const v2 = (method: PublicRoute['method'], path: string, body?: BodyKind): PublicRoute =>
  ({ ...classifier(method, path, body), errorFormat: 'kserve' })

/** KServe v2 model routes exist with and without a version. */
const v2Model = ['/v2/models/:name', '/v2/models/:name/versions/:version'].flatMap((model) => [
  v2('GET', model),
  v2('GET', `${model}/ready`),
  v2('POST', `${model}/infer`, 'infer')
])

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  // Numbers of thousands of digits: prime answers 400 naming its PRIME_MAX_DIGITS, not a 414 here.
  { ...prime('GET', '/check/:number'), longParam: true },
  prime('POST', '/check', 'prime'),
  // The one route whose prefix is not the service's: the page and the README call it /api/classify.
  { method: 'POST', upstream: 'classifier', path: '/classify', prefix: '/api', body: 'image' },
  classifier('GET', '/info'),
  v2('GET', '/v2'),
  v2('GET', '/v2/health/live'),
  v2('GET', '/v2/health/ready'),
  ...v2Model
]

/** `/check/:number` -> `/check/{number}`, as OpenAPI writes paths. */
export function openApiPath (path: string): string {
  return path.replace(/:(\w+)/g, '{$1}')
}
