import { describe, expect, it } from 'vitest'
import { echo, parseDecimal } from '../src/lib/parse.js'

const refusal = (input: string, maxDigits = 1000) => {
  const result = parseDecimal(input, maxDigits)
  if (result.ok) throw new Error(`${JSON.stringify(input)} was accepted`)
  return result
}

describe('parseDecimal', () => {
  it('reads plain ASCII digits, dropping leading zeros', () => {
    expect(parseDecimal('97', 10)).toEqual({ ok: true, value: 97n, canonical: '97', digits: 2 })
    expect(parseDecimal('0007', 10)).toEqual({ ok: true, value: 7n, canonical: '7', digits: 1 })
    expect(parseDecimal('0', 10)).toEqual({ ok: true, value: 0n, canonical: '0', digits: 1 })
    expect(parseDecimal('000', 10)).toMatchObject({ ok: true, canonical: '0' })
  })

  it('keeps every digit of a number far beyond 2^53', () => {
    expect(parseDecimal('123456789012345678901234567890', 100)).toMatchObject({ value: 123456789012345678901234567890n })
  })

  it.each([
    ['', /empty/],
    ['-7', /negative/],
    ['+7', /leading '\+'/],
    ['7.0', /decimal point/],
    ['.5', /decimal point/],
    ['0x1F', /not decimal \('0x' prefix\)/],
    ['0b101', /not decimal \('0b' prefix\)/],
    ['1e5', /exponent notation/],
    ['1.5E+3', /exponent notation/],
    ['1 2', /whitespace between digits/],
    [' 97', /leading or trailing whitespace/],
    ['97\n', /leading or trailing whitespace/],
    ['9\t7x', /contains whitespace/],
    ['12,345', /digit separators/],
    ['1_000', /digit separators/],
    ['١٢٣', /non-ASCII digit '١' \(U\+0661\)/],
    ['９７', /non-ASCII digit '９' \(U\+FF19\)/],
    ['97abc', /unexpected "a" at position 3/],
    ['Infinity', /unexpected "I" at position 1/]
  ])('refuses %j, saying what is wrong', (input, reason) => {
    const result = refusal(input)
    expect(result.kind).toBe('bad_number')
    expect(result.message).toMatch(reason)
    if (input !== '') expect(result.message).toContain(JSON.stringify(input))
  })

  it('refuses more digits than the limit and states the limit', () => {
    const result = refusal('1'.repeat(11), 10)
    expect(result).toMatchObject({ kind: 'too_many_digits' })
    expect(result.message).toMatch(/has 11 digits; the limit is 10 \(PRIME_MAX_DIGITS\)/)
  })

  it('counts leading zeros towards the limit', () => {
    expect(refusal('0'.repeat(10) + '7', 10).kind).toBe('too_many_digits')
  })

  it('rejects a long malformed input quickly and echoes only its start', () => {
    const input = '1'.repeat(200_000) + 'x'
    const result = refusal(input)
    expect(result.message).toContain('(200001 characters)')
    expect(result.message.length).toBeLessThan(200)
  })

  it('quotes short input whole and cuts long input', () => {
    expect(echo('abc')).toBe('"abc"')
    expect(echo('a'.repeat(50))).toBe(`"${'a'.repeat(40)}"... (50 characters)`)
  })
})
