// What a workspace's contract module builds on: config schema pieces, the error table, the error
// body, the servers' time limits. Imported as `@inference-stack/kit/contract`: typebox only, no
// fastify, no side effects.
export { CommonConfigSchema, DEFAULT_RETRY_AFTER_S, RetryAfterConfigSchema } from './common-config.js'
export { ConfigError, loadConfig } from './config.js'
export { errorBody, ErrorSchema, type ErrorBody } from './error-schema.js'
export { DEFAULT_BODY_TIMEOUT_MS, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './timeouts.js'
export { ErrorTable, HttpError, type ErrorSpec, type HttpErrorOptions, type KitErrorKind, type RejectReason, type RequiredErrors } from './error-table.js'
