import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeResult, type LoadResult, type ServiceUsage } from '@inference-stack/loadtest'
import { deriveCosts } from '../src/costs.js'
import { MACHINES } from '../src/machines.js'
import { cpuInferenceSeconds, MODELS } from '../src/models.js'
import { plan } from '../src/planner.js'
import { ProfileError, readProfiles } from '../src/profiles.js'
import { result } from './load-result.js'

const mobilenet = MODELS['mobilenetv2-12-int8']!
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function tmpDir (): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'deploy-profiles-'))
  dirs.push(dir)
  return dir
}

function usage (cpuSecondsPerRequest: number, rssMax: number): ServiceUsage {
  return { pid: 1, rssMiB: { mean: rssMax - 10, max: rssMax }, cpuPercent: 50, cpuSeconds: cpuSecondsPerRequest * 1000, cpuSecondsPerRequest }
}

/** Writes results with loadtest's own writer, as `npm run classify` does. */
async function writeResults (dir: string, results: LoadResult[]): Promise<string[]> {
  const files: string[] = []
  for (const r of results) files.push(await writeResult(r, { resultsDir: dir, tablePath: path.join(dir, 'results.md') }))
  return files
}

describe('planner profiles', () => {
  it('reads a real LoadResult JSON file written into a tmp dir', async () => {
    const dir = await tmpDir()
    const [classifyFile] = await writeResults(dir, [
      result('classify', 'frontend', { frontend: usage(0.0004, 95), classifier: usage(0.012, 160) }),
      result('prime-small', 'direct', { prime: usage(0.0001, 60) }, '2026-11-22T14:01:00.000Z')
    ])
    const profiles = await readProfiles(dir)
    expect(profiles.map((p) => p.profile.scenario)).toEqual(['classify', 'prime-small'])
    const { costs } = deriveCosts(profiles, { measuredModel: mobilenet, coreSpeed: 1 })
    expect(costs.classifierCpuPerImage.value).toBeCloseTo(0.012 - cpuInferenceSeconds(mobilenet, 1), 6)
    expect(costs.classifierCpuPerImage.measured).toBe(true)
    expect(costs.classifierCpuPerImage.source).toContain(classifyFile)
    expect(costs.frontendCpuPerImage.value).toBeCloseTo(0.0004, 8)
    expect(costs.primeCpuPerCheck.value).toBeCloseTo(0.0001, 8)
    expect(costs.frontendRssMiB.value).toBe(95)
    // Measured on a direct run, so the frontend's cost per prime check stays the labelled default.
    expect(costs.frontendCpuPerPrime.measured).toBe(false)
    expect(costs.frontendCpuPerPrime.source).toMatch(/^default: /)

    const p = plan({ machine: MACHINES['g4dn.xlarge']!, costs })
    expect(p.capacity.limits.classifierCpu).toBe(Math.round(p.services.classifier.cpus / costs.classifierCpuPerImage.value))
  })

  it('scales measured CPU cost by the target core speed', async () => {
    const dir = await tmpDir()
    await writeResults(dir, [result('prime-300', 'frontend', { frontend: usage(0.0003, 90), prime: usage(0.002, 70) })])
    const profiles = await readProfiles(dir)
    const same = deriveCosts(profiles, { measuredModel: mobilenet, coreSpeed: 1 })
    const slower = deriveCosts(profiles, { measuredModel: mobilenet, coreSpeed: 0.5 }).costs
    expect(slower.primeCpuPerCheck.value).toBeCloseTo(2 * same.costs.primeCpuPerCheck.value, 9)
    expect(slower.frontendCpuPerPrime.value).toBeCloseTo(0.0006, 9)
    expect(same.notes.join('\n')).toMatch(/core speed 1.0/)
  })

  it('takes the most expensive of several prime scenarios', async () => {
    const dir = await tmpDir()
    await writeResults(dir, [
      result('prime-small', 'direct', { prime: usage(0.0001, 60) }),
      result('prime-300', 'direct', { prime: usage(0.003, 65) }, '2026-11-22T14:02:00.000Z'),
      result('mixed', 'frontend', { prime: usage(0.5, 66) }, '2026-11-22T14:03:00.000Z')
    ])
    const { costs } = deriveCosts(await readProfiles(dir), { measuredModel: mobilenet, coreSpeed: 1 })
    expect(costs.primeCpuPerCheck.value).toBeCloseTo(0.003, 9)
    expect(costs.primeRssMiB.value).toBe(66)
  })

  it('notes a profile whose requests mostly failed', async () => {
    const dir = await tmpDir()
    await writeResults(dir, [{ ...result('classify', 'direct', { classifier: usage(0.01, 150) }), non2xx: { 503: 400 } }])
    const { notes } = deriveCosts(await readProfiles(dir), { measuredModel: mobilenet, coreSpeed: 1 })
    expect(notes.join('\n')).toMatch(/400 of 1000 requests failed/)
  })

  it('rejects a profile without cpuSecondsPerRequest, naming the service', async () => {
    const dir = await tmpDir()
    const bad = result('classify', 'direct', { classifier: usage(0.01, 150) }) as unknown as { services: { classifier: Record<string, unknown> } }
    delete bad.services.classifier.cpuSecondsPerRequest
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify(bad))
    await expect(readProfiles(dir)).rejects.toThrow(ProfileError)
    await expect(readProfiles(dir)).rejects.toThrow(/services\.classifier needs cpuSecondsPerRequest/)
    await writeFile(path.join(dir, 'bad.json'), '{ not json')
    await expect(readProfiles(path.join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not JSON/)
  })

  it('never corrects a run on CUDA as if inference had taken the classifier\'s CPU', async () => {
    const dir = await tmpDir()
    await writeResults(dir, [{
      ...result('classify', 'direct', { classifier: usage(0.02, 2600) }),
      classifier: { model: 'resnet50-v1-12', provider: 'cuda' }
    }])
    // --profile-model says ResNet-50 (45 ms of CPU inference per image): a CUDA run must ignore it.
    const { costs, notes } = deriveCosts(await readProfiles(dir), { measuredModel: MODELS['resnet50-v1-12']!, coreSpeed: 1 })
    expect(costs.classifierCpuPerImage.value).toBeCloseTo(0.02, 9)
    expect(costs.classifierCpuPerImage.source).toMatch(/inference of resnet50-v1-12 on CUDA, none on the CPU/)
    // Its RSS holds the CUDA libraries, not a CPU working set.
    expect(costs.classifierBaseRssMiB.value).toBe(2600 - 2048 - Math.ceil(102_576_593 / 2 ** 20))
    expect(notes.join('\n')).not.toMatch(/does not record/)
  })

  it('takes out the inference of the model a CPU run recorded, not --profile-model\'s', async () => {
    const dir = await tmpDir()
    await writeResults(dir, [{ ...result('classify', 'direct', { classifier: usage(0.05, 180) }), classifier: { model: 'mobilenetv2-12-int8', provider: 'cpu' } }])
    const { costs } = deriveCosts(await readProfiles(dir), { measuredModel: MODELS['resnet50-v1-12']!, coreSpeed: 1 })
    expect(costs.classifierCpuPerImage.value).toBeCloseTo(0.05 - cpuInferenceSeconds(mobilenet, 1), 9)
  })

  it('falls back to --profile-model on the CPU for results that record no classifier, and says so', async () => {
    const dir = await tmpDir()
    const [file] = await writeResults(dir, [result('classify', 'direct', { classifier: usage(0.05, 180) })])
    const { notes } = deriveCosts(await readProfiles(dir), { measuredModel: mobilenet, coreSpeed: 1 })
    expect(notes).toContain(`${file} does not record the classifier's model and provider: taken as mobilenetv2-12-int8 on the CPU (--profile-model)`)
  })

  it('rejects a recorded classifier without a provider, and a model the planner has no figures for', async () => {
    const dir = await tmpDir()
    await writeFile(path.join(dir, 'a.json'), JSON.stringify({ ...result('classify', 'direct', { classifier: usage(0.05, 180) }), classifier: { model: 'x' } }))
    await expect(readProfiles(dir)).rejects.toThrow(/a.json: "classifier" must record a model name and a provider/)
    await writeFile(path.join(dir, 'a.json'), JSON.stringify({ ...result('classify', 'direct', { classifier: usage(0.05, 180) }), classifier: { model: 'vgg16', provider: 'cpu' } }))
    expect(() => deriveCosts([{ file: 'a.json', profile: { ...result('classify', 'direct', { classifier: usage(0.05, 180) }), classifier: { model: 'vgg16', provider: 'cpu' } } }], { measuredModel: mobilenet, coreSpeed: 1 }))
      .toThrow(/a.json: the classifier ran "vgg16", which the planner has no figures for/)
  })
})
