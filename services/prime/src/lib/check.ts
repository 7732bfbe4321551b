import type { CheckResult } from '../schemas/check.js'
import { parseDecimal, type ParseProblem, type ParseResult } from './parse.js'
import { checkPrimality } from './primality.js'

export class CheckInputError extends Error {
  constructor (readonly kind: ParseProblem, message: string) {
    super(message)
    this.name = 'CheckInputError'
  }
}

export type ParsedNumber = Extract<ParseResult, { ok: true }>

/** Parses `input`, or throws {@link CheckInputError} saying what is wrong with it. */
export function parseOrThrow (input: string, maxDigits: number): ParsedNumber {
  const parsed = parseDecimal(input, maxDigits)
  if (!parsed.ok) throw new CheckInputError(parsed.kind, parsed.message)
  return parsed
}

/** Decides the primality of a parsed number and times it: the answer in the API's shape (schemas/check.ts). */
export function decide (parsed: ParsedNumber): CheckResult {
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
