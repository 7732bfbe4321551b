import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { clientGone } from '@inference-stack/kit'
import type { FastifyInstance } from 'fastify'
import { BatchBodySchema, BatchResultSchema, CheckResultSchema, ErrorSchema, NumberParamsSchema, PRIME_ERRORS, type PrimeConfig } from '../contract.js'
import { CheckInputError, parseOrThrow, type ParsedNumber } from '../lib/check.js'

export interface CheckRoutesOptions { config: PrimeConfig }

/** `GET /check/:number` and `POST /check`; numbers are decided by `app.checkNumbers` (plugins/pool.ts). */
export async function checkRoutes (fastify: FastifyInstance, { config }: CheckRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  const parse = (input: string, where = ''): ParsedNumber => {
    try {
      return parseOrThrow(input, config.PRIME_MAX_DIGITS)
    } catch (err) {
      if (err instanceof CheckInputError) throw PRIME_ERRORS.error(err.kind, where + err.message, { cause: err })
      throw err
    }
  }

  app.get('/check/:number', {
    schema: {
      summary: 'Is this number prime?',
      description: `Exact for every number up to PRIME_MAX_DIGITS (${config.PRIME_MAX_DIGITS}) digits.`,
      params: NumberParamsSchema,
      response: { 200: CheckResultSchema, 400: ErrorSchema, 503: ErrorSchema }
    }
  }, async (request, reply) => (await app.checkNumbers([parse(request.params.number)], clientGone(request, reply)))[0])

  let batchesInFlight = 0
  app.post('/check', {
    schema: {
      summary: 'Check many numbers at once',
      description: `Up to PRIME_MAX_BATCH (${config.PRIME_MAX_BATCH}) numbers and PRIME_MAX_BATCH_DIGITS ` +
        `(${config.PRIME_MAX_BATCH_DIGITS}) digits in all. One bad entry fails the whole request, naming its index.`,
      body: BatchBodySchema,
      response: { 200: BatchResultSchema, 400: ErrorSchema, 503: ErrorSchema }
    },
    // Before validation, to explain why a JSON number is refused rather than only that it is not a string.
    preValidation: async (request) => {
      const numbers = (request.body as { numbers?: unknown } | null)?.numbers
      if (!Array.isArray(numbers)) return
      const i = numbers.findIndex((n) => typeof n === 'number')
      if (i >= 0) {
        throw PRIME_ERRORS.error('bad_number',
          `numbers[${i}] is a JSON number: send every number as a string of digits, e.g. "97" ` +
          '(JSON numbers lose digits beyond 2^53, so the value read may not be the one sent)')
      }
    }
  }, async (request, reply) => {
    const { numbers } = request.body
    if (numbers.length > config.PRIME_MAX_BATCH) {
      throw PRIME_ERRORS.error('too_many_numbers',
        `${numbers.length} numbers in one batch; the limit is ${config.PRIME_MAX_BATCH} (PRIME_MAX_BATCH)`)
    }
    const parsed = numbers.map((input, i) => parse(input, `numbers[${i}]: `))
    const totalDigits = numbers.reduce((sum, input) => sum + input.length, 0)
    if (totalDigits > config.PRIME_MAX_BATCH_DIGITS) {
      throw PRIME_ERRORS.error('batch_too_large',
        `the batch has ${totalDigits} digits in all; the limit is ${config.PRIME_MAX_BATCH_DIGITS} (PRIME_MAX_BATCH_DIGITS)`)
    }
    if (batchesInFlight >= config.PRIME_MAX_CONCURRENT_BATCHES) {
      throw PRIME_ERRORS.error('batches_in_progress',
        `${batchesInFlight} batches are in progress, the most allowed (PRIME_MAX_CONCURRENT_BATCHES); retry shortly`)
    }
    batchesInFlight++
    try {
      return { results: await app.checkNumbers(parsed, clientGone(request, reply)) }
    } finally {
      batchesInFlight--
    }
  })
}
