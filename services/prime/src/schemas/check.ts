import { Type, type Static } from 'typebox'

export const NumberParamsSchema = Type.Object({
  number: Type.String({ description: 'a non-negative integer in ASCII decimal digits, e.g. 97', examples: ['1000000007'] })
})

/** The answer to one number (`number` and `is_prime` kept from the workshop API). */
export const CheckResultSchema = Type.Object({
  number: Type.String({ description: 'the number in canonical decimal form (leading zeros dropped)' }),
  is_prime: Type.Boolean(),
  digits: Type.Integer({ description: 'decimal digits of the canonical number' }),
  method: Type.Union([
    Type.Literal('definition'),
    Type.Literal('trial-division'),
    Type.Literal('miller-rabin'),
    Type.Literal('baillie-psw')
  ], { description: 'definition (0 and 1), trial-division, deterministic miller-rabin (below 3.317e24) or baillie-psw' }),
  factor: Type.Optional(Type.String({ description: 'a prime factor below 1000, present when trial division found one' })),
  elapsed_ms: Type.Number({ description: 'time spent deciding, in milliseconds' })
})
export type CheckResult = Static<typeof CheckResultSchema>

export const BatchBodySchema = Type.Object({
  numbers: Type.Array(Type.String(), {
    description: 'numbers as strings of decimal digits (JSON numbers are refused: they lose digits past 2^53)',
    examples: [['97', '91', '1000000007']]
  })
}, { additionalProperties: false })

export const BatchResultSchema = Type.Object({
  results: Type.Array(CheckResultSchema, { description: 'one result per input, in input order' })
})
export type BatchResult = Static<typeof BatchResultSchema>
