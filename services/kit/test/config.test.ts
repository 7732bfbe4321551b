import { Type } from 'typebox'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '@inference-stack/kit'

const Schema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  UPSTREAM_URL: Type.String({ default: 'http://127.0.0.1:9000' }),
  VERBOSE: Type.Boolean({ default: false })
})

describe('loadConfig', () => {
  it('fills defaults when variables are unset or empty', () => {
    expect(loadConfig(Schema, { PORT: '' })).toEqual({ PORT: 8080, UPSTREAM_URL: 'http://127.0.0.1:9000', VERBOSE: false })
  })

  it('converts numbers and booleans from strings', () => {
    expect(loadConfig(Schema, { PORT: '3000', VERBOSE: 'true' })).toMatchObject({ PORT: 3000, VERBOSE: true })
  })

  it('refuses a bad value and names the variable and its value', () => {
    expect(() => loadConfig(Schema, { PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => loadConfig(Schema, { PORT: '70000' })).toThrow(/PORT="70000"/)
  })
})
