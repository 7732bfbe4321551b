import { CommonConfigSchema } from '@inference-stack/kit/contract'
import { Type, type Static } from 'typebox'

export const DEFAULT_PORT = 8080
export const DEFAULT_PRIME_URL = 'http://127.0.0.1:8081'
export const DEFAULT_CLASSIFIER_URL = 'http://127.0.0.1:8082'
export const DEFAULT_PRIME_TIMEOUT_MS = 10_000
export const DEFAULT_CLASSIFIER_TIMEOUT_MS = 30_000
export const DEFAULT_PROBE_TIMEOUT_MS = 2_000
/** The classifier's MAX_IMAGE_BYTES default. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
/** The classifier takes four times MAX_IMAGE_BYTES on v2 infer: JSON tensors and base64 images are bulky. */
export const DEFAULT_MAX_INFER_BYTES = 4 * DEFAULT_MAX_UPLOAD_BYTES
/** Prime's body limit (fastify's default): a full batch is a few tens of KB. */
export const DEFAULT_MAX_PRIME_BODY_BYTES = 1024 * 1024
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
  PUBLIC_DIR: Type.Optional(Type.String({ description: 'directory of the built page (default: dist/public of this workspace)' }))
})

export type FrontendConfig = Static<typeof FrontendConfigSchema>
