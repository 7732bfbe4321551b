/** What is wrong with an input: its kind in the prime error table (contract.ts). */
export type ParseProblem = 'bad_number' | 'too_many_digits'

export type ParseResult =
  | { ok: true, value: bigint, canonical: string, digits: number }
  | { ok: false, kind: ParseProblem, message: string }

/** How much of a bad input an error message repeats. */
export const MAX_ECHO_CHARS = 40

/** The input as JSON would quote it, cut to {@link MAX_ECHO_CHARS} characters with its full length noted. */
export function echo (input: string): string {
  const chars = [...input]
  if (chars.length <= MAX_ECHO_CHARS) return JSON.stringify(input)
  return `${JSON.stringify(chars.slice(0, MAX_ECHO_CHARS).join(''))}... (${chars.length} characters)`
}

const DIGITS = /^[0-9]+$/
// Each pattern is unambiguous, so a long input is rejected in linear time.
const EXPONENT = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+$/
const RADIX_PREFIX = /^0[xXbBoO]/
const SEPARATOR = /^[0-9][0-9,_' ]*[0-9]$/

/** Names what is wrong with an input that is not plain ASCII decimal digits, most telling problem first. */
function diagnose (input: string): string {
  const shown = echo(input)
  if (input === '') return 'empty number: expected decimal digits such as 97'
  if (input.trim() !== input) return `${shown} has leading or trailing whitespace: send the digits only`
  if (input.startsWith('-')) return `${shown} is negative: only integers >= 0 are checked (primes are positive)`
  if (input.startsWith('+')) return `${shown} has a leading '+': send the digits only`
  if (/\s/.test(input)) {
    if (SEPARATOR.test(input)) return `${shown} contains whitespace between digits: send the digits without separators`
    return `${shown} contains whitespace: send the digits only`
  }
  if (RADIX_PREFIX.test(input)) return `${shown} is not decimal ('${input.slice(0, 2)}' prefix): only base-10 digits are accepted`
  if (EXPONENT.test(input)) return `${shown} uses exponent notation: write out every digit`
  if (/^[0-9]*\.[0-9]*$/.test(input)) return `${shown} has a decimal point: only whole numbers are checked`
  if (SEPARATOR.test(input)) return `${shown} contains digit separators: send the digits without ',', '_' or "'"`
  const foreign = [...input].find((c) => /\p{Nd}/u.test(c) && !/[0-9]/.test(c))
  if (foreign !== undefined) {
    const code = foreign.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')
    return `${shown} contains the non-ASCII digit '${foreign}' (U+${code}): only ASCII digits 0-9 are accepted`
  }
  const bad = [...input].findIndex((c) => !/[0-9]/.test(c))
  return `${shown} is not a decimal integer: unexpected ${JSON.stringify([...input][bad])} at position ${bad + 1}`
}

/**
 * Reads a non-negative decimal integer written with ASCII digits only.
 * Leading zeros are accepted and dropped ("007" is 7) but count towards `maxDigits`,
 * so the work done on any input is bounded by its length.
 */
export function parseDecimal (input: string, maxDigits: number): ParseResult {
  if (!DIGITS.test(input)) return { ok: false, kind: 'bad_number', message: diagnose(input) }
  if (input.length > maxDigits) {
    return {
      ok: false,
      kind: 'too_many_digits',
      message: `"${input.slice(0, 20)}..." has ${input.length} digits; the limit is ${maxDigits} (PRIME_MAX_DIGITS)`
    }
  }
  const canonical = input.replace(/^0+(?=[0-9])/, '')
  return { ok: true, value: BigInt(canonical), canonical, digits: canonical.length }
}
