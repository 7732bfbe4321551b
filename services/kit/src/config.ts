import type { Static, TObject } from 'typebox'
import { Value } from 'typebox/value'

/** Raised when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Reads a service's configuration from environment variables.
 * Schema keys are the variable names; values are converted (numbers, booleans)
 * and defaults filled in. Unknown variables are ignored.
 */
export function loadConfig<T extends TObject> (schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const picked: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    const raw = env[key]
    if (raw !== undefined && raw !== '') picked[key] = raw
  }
  const value = Value.Convert(schema, Value.Default(schema, picked))
  if (!Value.Check(schema, value)) {
    const problems = [...Value.Errors(schema, value)].map((e) => {
      const name = e.instancePath.replace(/^\//, '') || (e.params as { requiredProperties?: string[] }).requiredProperties?.join(', ') || '(root)'
      return `${name}=${JSON.stringify(env[name] ?? null)}: ${e.message}`
    })
    throw new ConfigError(problems)
  }
  return value as Static<T>
}
