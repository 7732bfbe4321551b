// The time limits every service's server runs with (createServer), apart from fastify so that
// contract modules can name them: the frontend's BODY_TIMEOUT_MS defaults to the body timeout.

/** Time a client has to send a request's headers. */
export const HEADERS_TIMEOUT_MS = 15_000
/**
 * Time a client has to send a whole request body, the same in every service. The frontend, where
 * clients are, answers 408 JSON past it (BODY_TIMEOUT_MS) and forwards only complete bodies, so a
 * service behind it receives every body at once and never cuts an upload the frontend accepted.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 60_000
/** Node's own cut-off for receiving a whole request, headers and body: a backstop (bare 408, connection closed). */
export const REQUEST_TIMEOUT_MS = HEADERS_TIMEOUT_MS + DEFAULT_BODY_TIMEOUT_MS
/** Idle keep-alive connections: above typical load balancer idle timeouts, which avoids racing resets. */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000
