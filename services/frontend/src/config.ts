import { CommonConfigSchema, DEFAULT_BODY_TIMEOUT_MS } from '@inference-stack/kit/contract'
import { Type, type Static } from 'typebox'

export const DEFAULT_PORT = 8080
export const DEFAULT_PRIME_URL = 'http://127.0.0.1:8081'
export const DEFAULT_CLASSIFIER_URL = 'http://127.0.0.1:8082'
export const DEFAULT_PRIME_TIMEOUT_MS = 10_000
export const DEFAULT_CLASSIFIER_TIMEOUT_MS = 30_000
export const DEFAULT_PROBE_TIMEOUT_MS = 2_000
/** The classifier's MAX_IMAGE_BYTES default. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
/** The classifier's MAX_INFER_BYTES default: a KServe v2 body (JSON tensors, base64 images). */
export const DEFAULT_MAX_INFER_BYTES = 32 * 1024 * 1024
/** Prime's body limit (fastify's default): a full batch is a few tens of KB. */
export const DEFAULT_MAX_PRIME_BODY_BYTES = 1024 * 1024
/**
 * Request bodies held in memory at once, all clients together: a quarter of the container's
 * 256 MiB. The bodies are Buffers outside the V8 heap, which may itself grow to half the limit
 * under a flood of requests before it collects, and Node's own memory is about 50 MiB: 64 MiB of
 * bodies keeps the sum under the limit (still three uploads of the 20 MiB maximum, or hundreds of
 * photos resized by the page).
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024
/** Connections to each upstream. Bodies arrive complete, so a connection is held only while the service works. */
export const DEFAULT_UPSTREAM_CONNECTIONS = 64
/** Requests that may wait for a connection to an upstream; beyond, 503 + Retry-After. */
export const DEFAULT_UPSTREAM_MAX_QUEUE = 256
/** Rate limiting is off unless RATE_LIMIT_MAX is set (compose sets it); the window is a minute. */
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 60_000
/** Where Prometheus scrapes the frontend; compose does not publish it. */
export const DEFAULT_METRICS_PORT = 9464

const UrlSchema = (fallback: string, what: string) =>
  Type.String({ default: fallback, pattern: '^https?://[^\\s/]+', description: `base URL of the ${what} service` })

const MillisSchema = (fallback: number, what: string) =>
  Type.Integer({ default: fallback, minimum: 1, maximum: 600_000, description: what })

/** Environment variables of the frontend. */
export const FrontendConfigSchema = Type.Object({
  ...CommonConfigSchema,
  PORT: Type.Integer({ default: DEFAULT_PORT, minimum: 0, maximum: 65535 }),
  METRICS_PORT: Type.Integer({ default: DEFAULT_METRICS_PORT, minimum: 0, maximum: 65535, description: 'port of GET /metrics (Prometheus), apart from the public port' }),
  PRIME_URL: UrlSchema(DEFAULT_PRIME_URL, 'prime'),
  CLASSIFIER_URL: UrlSchema(DEFAULT_CLASSIFIER_URL, 'classifier'),
  PRIME_TIMEOUT_MS: MillisSchema(DEFAULT_PRIME_TIMEOUT_MS, 'how long to wait for the prime service before answering 504'),
  CLASSIFIER_TIMEOUT_MS: MillisSchema(DEFAULT_CLASSIFIER_TIMEOUT_MS, 'how long to wait for the classifier before answering 504'),
  PROBE_TIMEOUT_MS: MillisSchema(DEFAULT_PROBE_TIMEOUT_MS, 'timeout of each upstream /healthz probe behind /readyz'),
  MAX_UPLOAD_BYTES: Type.Integer({ default: DEFAULT_MAX_UPLOAD_BYTES, minimum: 1, description: 'largest image body of POST /api/classify (multipart bodies get 64 KiB more for their part headers)' }),
  MAX_INFER_BYTES: Type.Integer({ default: DEFAULT_MAX_INFER_BYTES, minimum: 1, description: 'largest body of a KServe v2 infer request' }),
  MAX_PRIME_BODY_BYTES: Type.Integer({ default: DEFAULT_MAX_PRIME_BODY_BYTES, minimum: 1, description: 'largest body of POST /api/prime/check' }),
  BODY_TIMEOUT_MS: MillisSchema(DEFAULT_BODY_TIMEOUT_MS, 'time a client has to send a whole request body; then 408 and the connection is closed'),
  MAX_BUFFERED_BYTES: Type.Integer({ default: DEFAULT_MAX_BUFFERED_BYTES, minimum: 1, description: 'request bodies held in memory at once (each is received whole before it is forwarded); beyond, 503 + Retry-After' }),
  UPSTREAM_CONNECTIONS: Type.Integer({ default: DEFAULT_UPSTREAM_CONNECTIONS, minimum: 1, maximum: 10_000, description: 'connections to each upstream service' }),
  UPSTREAM_MAX_QUEUE: Type.Integer({ default: DEFAULT_UPSTREAM_MAX_QUEUE, minimum: 0, maximum: 1_000_000, description: 'requests that may wait for a connection to an upstream; beyond, 503 + Retry-After' }),
  RATE_LIMIT_MAX: Type.Integer({ default: 0, minimum: 0, description: 'requests to /api/* per client per RATE_LIMIT_WINDOW_MS; then 429 + Retry-After (0: no limit)' }),
  RATE_LIMIT_WINDOW_MS: MillisSchema(DEFAULT_RATE_LIMIT_WINDOW_MS, 'window of RATE_LIMIT_MAX'),
  TRUST_PROXY: Type.String({ default: '', description: 'proxies in front whose X-Forwarded-For names the client: a hop count, or addresses/CIDRs separated by commas (empty: the peer address is the client)' }),
  PUBLIC_DIR: Type.Optional(Type.String({ description: 'directory of the built page (default: dist/public of this workspace)' }))
})

export type FrontendConfig = Static<typeof FrontendConfigSchema>

/** TRUST_PROXY as fastify's `trustProxy`: false, the trusted addresses, or a hop count (the nearest `n` proxies). */
export function trustProxy (value: string): false | string | ((address: string, hop: number) => boolean) {
  const trimmed = value.trim()
  if (trimmed === '' || trimmed === 'false') return false
  if (!/^\d+$/.test(trimmed)) return trimmed
  const hops = Number(trimmed)
  return (_address, hop) => hop < hops
}
