import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { LoadResult } from '@inference-stack/loadtest'

/**
 * The parts of a loadtest result (loadtest/results/*.json) the planner reads.
 * Services are keyed by name: prime, classifier, frontend (and nginx in comparisons).
 */
export type LoadProfile = Pick<LoadResult, 'scenario' | 'targetUrl' | 'via' | 'startedAt' | 'machine' | 'requestsPerSec' | 'total' | 'errors' | 'non2xx' | 'services' | 'classifier'>

export type ServiceName = 'frontend' | 'prime' | 'classifier'

/** A profile with the file it came from. */
export interface SourcedProfile {
  file: string
  profile: LoadProfile
}

export class ProfileError extends Error {
  override name = 'ProfileError'
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks the fields the planner relies on; names the first one missing. */
export function parseProfile (text: string, file: string): LoadProfile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new ProfileError(`${file}: not JSON (${(err as Error).message})`, { cause: err })
  }
  if (!isRecord(data)) throw new ProfileError(`${file}: expected a JSON object`)
  for (const key of ['scenario', 'targetUrl', 'via', 'startedAt'] as const) {
    if (typeof data[key] !== 'string') throw new ProfileError(`${file}: "${key}" must be a string`)
  }
  for (const key of ['requestsPerSec', 'total', 'errors'] as const) {
    if (typeof data[key] !== 'number') throw new ProfileError(`${file}: "${key}" must be a number`)
  }
  if (!isRecord(data.machine)) throw new ProfileError(`${file}: "machine" must be an object`)
  if (data.non2xx !== undefined && !isRecord(data.non2xx)) throw new ProfileError(`${file}: "non2xx" must be an object`)
  if (!isRecord(data.services)) throw new ProfileError(`${file}: "services" must be an object`)
  if (data.classifier !== undefined && (!isRecord(data.classifier) || typeof data.classifier.model !== 'string' ||
    (data.classifier.provider !== 'cuda' && data.classifier.provider !== 'cpu'))) {
    throw new ProfileError(`${file}: "classifier" must record a model name and a provider (cuda or cpu)`)
  }
  for (const [name, sample] of Object.entries(data.services)) {
    if (!isRecord(sample) || typeof sample.cpuSecondsPerRequest !== 'number' ||
      !isRecord(sample.rssMiB) || typeof sample.rssMiB.max !== 'number') {
      throw new ProfileError(`${file}: services.${name} needs cpuSecondsPerRequest and rssMiB.max numbers`)
    }
  }
  return data as unknown as LoadProfile
}

/** Reads every *.json in a directory (or one file) as a profile. */
export async function readProfiles (location: string): Promise<SourcedProfile[]> {
  let files: string[]
  try {
    const entries = await readdir(location)
    files = entries.filter((f) => f.endsWith('.json')).sort().map((f) => path.join(location, f))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') {
      throw new ProfileError(`cannot read profiles from ${location}: ${(err as Error).message}`, { cause: err })
    }
    files = [location]
  }
  const out: SourcedProfile[] = []
  for (const file of files) {
    out.push({ file, profile: parseProfile(await readFile(file, 'utf8'), file) })
  }
  return out
}

/** Which backend a scenario loads: classify scenarios the classifier, prime ones prime; mixed ones neither alone. */
export function scenarioKind (scenario: string): 'classify' | 'prime' | undefined {
  const s = scenario.toLowerCase()
  if (s.includes('mixed')) return undefined
  if (s.includes('classif')) return 'classify'
  if (s.includes('prime')) return 'prime'
  return undefined
}
