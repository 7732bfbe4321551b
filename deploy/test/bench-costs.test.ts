import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { benchClassifierCost } from '../src/bench-costs.js'

async function dir (): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'bench-costs-'))
  onTestFinished(async () => { await rm(d, { recursive: true, force: true }) })
  return d
}

const result = (afterMs: number, withModel: boolean): string => JSON.stringify({
  decode: { mix: { cpuMsPerImage: { floor: 10, before: 30, after: afterMs } } },
  models: withModel
    ? [{ model: 'mobilenetv2-12-int8', pipeline: { rps: 50, cpu: { bench: 1.5, service: 0 } }, http: { rps: 40, cpu: { bench: 0.1, service: 1.6 } } }]
    : []
})

describe('classifier CPU per image from the classifier bench', () => {
  it('takes the newest result: preprocessing over the mix plus what HTTP added in the same run, scaled by core speed', async () => {
    const d = await dir()
    await writeFile(path.join(d, 'bench-classifier-2026-01-01T0000.json'), result(99, true))
    await writeFile(path.join(d, 'bench-classifier-2026-02-01T0000.json'), result(20, true))
    const cost = await benchClassifierCost(d, 0.8)
    // 20 ms + (1.6 / 40 - 1.5 / 50) s = 20 + 10 ms, on a vCPU 0.8 as fast.
    expect(cost?.value).toBeCloseTo(0.030 / 0.8, 9)
    expect(cost?.measured).toBe(true)
    expect(cost?.source).toContain('bench-classifier-2026-02-01T0000.json')
  })

  it('takes the preprocessing alone from a --decode-only result, and nothing from an empty or missing directory', async () => {
    const d = await dir()
    expect(await benchClassifierCost(d, 1)).toBeUndefined()
    expect(await benchClassifierCost(path.join(d, 'missing'), 1)).toBeUndefined()
    await writeFile(path.join(d, 'bench-classifier-2026-03-01T0000.json'), result(25, false))
    expect((await benchClassifierCost(d, 1))?.value).toBeCloseTo(0.025, 9)
  })
})
