import { Type } from 'typebox'

/** Variables every service reads. Each service spreads these into its own schema. */
export const CommonConfigSchema = {
  HOST: Type.String({ default: '127.0.0.1', description: 'interface to listen on (0.0.0.0 in containers)' }),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
  ACCESS_LOG: Type.Boolean({ default: false, description: 'log every request and answer at info level (off: they cost more than a small request)' })
}

export const DEFAULT_RETRY_AFTER_S = 1

/**
 * Retry-After of the answers whose error table entry asks for one (overload, timeouts, shutting
 * down). Prime and the classifier spread it into their schemas; `npm run plan` writes the
 * classifier's, sized to drain a full queue.
 */
export const RetryAfterConfigSchema = {
  RETRY_AFTER_S: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: DEFAULT_RETRY_AFTER_S,
    description: 'seconds in the Retry-After of a 503 (queue full, timeout, shutting down); npm run plan sizes the classifier\'s to drain a full queue'
  })
}
