import { parseDecimal, type ParseResult } from './parse.js'
import { checkPrimality, type PrimalityMethod } from './primality.js'

/** The answer to one number, in the API's shape (`number` and `is_prime` kept from the workshop API). */
export interface CheckAnswer {
  number: string
  is_prime: boolean
  digits: number
  method: PrimalityMethod
  factor?: string
  elapsed_ms: number
}

export class CheckInputError extends Error {
  constructor (readonly code: string, message: string) {
    super(message)
    this.name = 'CheckInputError'
  }
}

export type ParsedNumber = Extract<ParseResult, { ok: true }>

/** Parses `input`, or throws {@link CheckInputError} saying what is wrong with it. */
export function parseOrThrow (input: string, maxDigits: number): ParsedNumber {
  const parsed = parseDecimal(input, maxDigits)
  if (!parsed.ok) throw new CheckInputError(parsed.code, parsed.message)
  return parsed
}

/** Decides the primality of a parsed number and times it. */
export function decide (parsed: ParsedNumber): CheckAnswer {
  const started = performance.now()
  const result = checkPrimality(parsed.value)
  const elapsed = performance.now() - started
  return {
    number: parsed.canonical,
    is_prime: result.isPrime,
    digits: parsed.digits,
    method: result.method,
    ...(result.factor !== undefined && { factor: result.factor.toString() }),
    elapsed_ms: Math.round(elapsed * 1000) / 1000
  }
}

/** A bounded label for a digit count: "1-9", "10-99", "100-999" or "1000+". */
export function digitsBucket (digits: number): string {
  if (digits < 10) return '1-9'
  if (digits < 100) return '10-99'
  if (digits < 1000) return '100-999'
  return '1000+'
}
