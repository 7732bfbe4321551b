import { Type, type Static } from 'typebox'

/** The body of every error answer, for route schemas (`response: { '4xx': ErrorSchema }`) and the OpenAPI document. */
export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'a stable machine-readable code from the service\'s error table, e.g. PRIME_BAD_NUMBER' }),
    message: Type.String({ description: 'what was wrong, naming the bad value or the limit' }),
    retry_after_ms: Type.Optional(Type.Integer({ minimum: 1, description: 'on answers that may succeed later (503): milliseconds to wait before retrying; the Retry-After header says the same in whole seconds, rounded up' }))
  })
}, { description: 'what was wrong with the request' })

/** `{ "error": { "code", "message" } }` */
export type ErrorBody = Static<typeof ErrorSchema>

export function errorBody (code: string, message: string, retryAfterMs?: number): ErrorBody {
  return { error: retryAfterMs === undefined ? { code, message } : { code, message, retry_after_ms: retryAfterMs } }
}
