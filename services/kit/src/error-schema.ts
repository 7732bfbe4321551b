import { Type, type Static } from 'typebox'

/** The body of every error answer, for route schemas (`response: { '4xx': ErrorSchema }`) and the OpenAPI document. */
export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'a stable machine-readable code from the service\'s error table, e.g. PRIME_BAD_NUMBER' }),
    message: Type.String({ description: 'what was wrong, naming the bad value or the limit' })
  })
}, { description: 'what was wrong with the request' })

/** `{ "error": { "code", "message" } }` */
export type ErrorBody = Static<typeof ErrorSchema>

export function errorBody (code: string, message: string): ErrorBody {
  return { error: { code, message } }
}
