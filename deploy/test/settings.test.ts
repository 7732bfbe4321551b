import { readFile } from 'node:fs/promises'
import { ClassifierConfigSchema } from '@inference-stack/classifier/contract'
import { loadConfig } from '@inference-stack/kit/contract'
import { describe, expect, it } from 'vitest'
import { envFile } from '../src/format.js'
import { localMachine, MACHINES } from '../src/machines.js'
import { plan } from '../src/planner.js'
import { CLASSIFIER_SETTINGS, settingsProblems, withinBounds } from '../src/settings.js'

const g4dn = MACHINES['g4dn.xlarge']!

/** The KEY=VALUE lines of an env file. */
const parseEnv = (text: string): Record<string, string> =>
  Object.fromEntries(text.split('\n').filter((l) => /^[A-Z0-9_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))

describe('the classifier settings of a plan, by the classifier\'s own config schema', () => {
  it('writes an env file the classifier starts with, on every machine, provider and target', () => {
    for (const machine of [...Object.values(MACHINES), localMachine()]) {
      for (const provider of machine.gpu === undefined ? ['cpu'] as const : ['cuda', 'cpu'] as const) {
        for (const target of [{}, { imagesPerSec: 20, primePerSec: 100 }, { imagesPerSec: 5000, sloMs: 200 }]) {
          const p = plan({ machine, provider, ...target })
          const env = parseEnv(envFile(p))
          const config = loadConfig(ClassifierConfigSchema, env)
          for (const key of CLASSIFIER_SETTINGS) expect(env[key], `${machine.name} ${provider} ${key}`).toBe(String(p.classifier[key]))
          expect(config).toMatchObject({ MODEL: p.model, EXECUTION_PROVIDER: provider, MAX_QUEUE: p.classifier.MAX_QUEUE, RETRY_AFTER_S: p.classifier.RETRY_AFTER_S })
        }
      }
    }
  })

  it('keeps Retry-After within the classifier\'s 3600 s when the planned classify capacity is nil, and says so', () => {
    const p = plan({ machine: MACHINES['g4dn.2xlarge']!, primePerSec: 6000, imagesPerSec: 100 })
    expect(p.capacity.classifyImagesPerSec).toBe(0)
    expect(p.classifier.RETRY_AFTER_S).toBe(3600)
    expect(p.warnings).toContainEqual(expect.stringMatching(/^RETRY_AFTER_S \d+ is outside the classifier's bounds \(1\.\.3600\): planned 3600$/))
    expect(settingsProblems(p.classifier)).toEqual([])
  })

  it('brings every number within the schema\'s minimum and maximum, naming what it moved', () => {
    const warnings: string[] = []
    const settings = plan({ machine: g4dn }).classifier
    const moved = withinBounds({ ...settings, MAX_BATCH_SIZE: 1000, INTRA_OP_THREADS: 0 }, warnings)
    expect(moved).toMatchObject({ MAX_BATCH_SIZE: 256, INTRA_OP_THREADS: 1 })
    expect(warnings).toHaveLength(2)
    expect(settingsProblems({ ...settings, MAX_QUEUE: 0 })).toEqual(['MAX_QUEUE="0": must be >= 1'])
  })

  it('gives compose and the swarm stack the classifier\'s own defaults for what the plan leaves unset', async () => {
    for (const file of ['../../compose.yaml', '../stack.yaml']) {
      const text = await readFile(new URL(file, import.meta.url), 'utf8')
      for (const key of ['WORKERS', 'MAX_BATCH_SIZE', 'MAX_QUEUE_DELAY_MS', 'MAX_QUEUE', 'RETRY_AFTER_S'] as const) {
        const fallback = new RegExp(`\\$\\{${key}:-([^}]*)\\}`).exec(text)?.[1]
        if (fallback === undefined) continue // the stack leaves it to the image's own default
        expect(Number(fallback), `${file} ${key}`).toBe((ClassifierConfigSchema.properties[key] as { default?: unknown }).default)
      }
    }
  })
})
