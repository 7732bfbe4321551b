import type { FastifyInstance, onRequestHookHandler } from 'fastify'
import type { ErrorTable } from './error-table.js'

/** A number as people write it in decimal: no hex, no spaces, no `Infinity` or `NaN`. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** The properties of a querystring schema that are numbers. */
function numberParameters (schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties ?? {}
  return Object.entries(properties).filter(([, s]) => s.type === 'integer' || s.type === 'number').map(([name]) => name)
}

/**
 * Query parameters declared as numbers must be written as finite decimal numbers. The validator
 * coerces query strings with `Number()`, which reads `Infinity`, `1e400`, `0x10` and ` 3` as
 * numbers (`topk=Infinity` passed an integer schema and asked for every class); this refuses them
 * in onRequest (before any body is read) with the table's 400 naming the parameter, and leaves
 * type and range (`1.5`, `-1`, `21`) to the route's schema.
 */
export function strictQueryNumbers (app: FastifyInstance, table: ErrorTable): void {
  app.addHook('onRoute', (route) => {
    const names = numberParameters(route.schema?.querystring)
    if (names.length === 0) return
    const check: onRequestHookHandler = (request, _reply, done) => {
      const query = request.query as Record<string, unknown>
      for (const name of names) {
        for (const value of [query[name]].flat()) {
          if (typeof value === 'string' && !(DECIMAL.test(value) && Number.isFinite(Number(value)))) {
            done(table.error('bad_request', `querystring.${name} must be a finite decimal number; got ${JSON.stringify(value)}`))
            return
          }
        }
      }
      done()
    }
    route.onRequest = [check, ...[route.onRequest ?? []].flat()]
  })
}
