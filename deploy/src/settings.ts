// The classifier settings a plan sets, as the classifier's own config schema defines them
// (@inference-stack/classifier/contract): names, types and bounds are read there, never copied.
import { ClassifierConfigSchema, type ClassifierConfig } from '@inference-stack/classifier/contract'
import { ConfigError, loadConfig } from '@inference-stack/kit/contract'

/**
 * What `npm run plan` writes for the classifier, in plan.env (compose) and in the Kubernetes
 * patches: its config variables, and libuv's thread pool (sharp's decode threads; Node reads it).
 */
export const CLASSIFIER_SETTINGS = ['EXECUTION_PROVIDER', 'MODEL', 'WORKERS', 'INTRA_OP_THREADS', 'MAX_BATCH_SIZE', 'MAX_QUEUE_DELAY_MS', 'MAX_QUEUE', 'UV_THREADPOOL_SIZE', 'RETRY_AFTER_S'] as const

type ConfigSetting = Exclude<typeof CLASSIFIER_SETTINGS[number], 'UV_THREADPOOL_SIZE'>

/** The classifier's settings in a plan, typed by its config schema (every one given; the provider decided). */
export type ClassifierSettings = Required<Pick<ClassifierConfig, ConfigSetting>> & {
  EXECUTION_PROVIDER: 'cuda' | 'cpu'
  UV_THREADPOOL_SIZE: number
}

/** The settings as the classifier reads them from its environment. */
export function settingsEnv (settings: ClassifierSettings): Record<typeof CLASSIFIER_SETTINGS[number], string> {
  return Object.fromEntries(CLASSIFIER_SETTINGS.map((key) => [key, String(settings[key])])) as Record<typeof CLASSIFIER_SETTINGS[number], string>
}

/**
 * The settings with every number brought within the classifier's bounds (its config schema's
 * minimum and maximum); `warnings` says which were moved. A queue that drains in a day is still
 * told `Retry-After: 3600`.
 */
export function withinBounds (settings: ClassifierSettings, warnings: string[]): ClassifierSettings {
  const out = { ...settings }
  for (const key of CLASSIFIER_SETTINGS) {
    const value = out[key]
    const schema = (ClassifierConfigSchema.properties as Record<string, { minimum?: number, maximum?: number } | undefined>)[key]
    if (typeof value !== 'number' || schema === undefined) continue
    const bounded = Math.min(schema.maximum ?? Infinity, Math.max(schema.minimum ?? -Infinity, value))
    if (bounded === value) continue
    warnings.push(`${key} ${value} is outside the classifier's bounds (${schema.minimum ?? '-'}..${schema.maximum ?? '-'}): planned ${bounded}`)
    Object.assign(out, { [key]: bounded })
  }
  return out
}

/** What is wrong with the planned settings by the classifier's config schema (it would refuse to start); empty when nothing. */
export function settingsProblems (settings: ClassifierSettings): string[] {
  try {
    loadConfig(ClassifierConfigSchema, settingsEnv(settings))
    return []
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
}
