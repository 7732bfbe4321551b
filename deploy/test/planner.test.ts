import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { replicasFor, shareCpus } from '../src/allocate.js'
import { DEFAULT_COSTS } from '../src/costs.js'
import { MACHINES, T4, localMachine } from '../src/machines.js'
import { MODELS } from '../src/models.js'
import { plan, PlanError, type Plan } from '../src/planner.js'

const g4dn = MACHINES['g4dn.xlarge']!
const sum = (p: Plan, pick: (s: Plan['services']['frontend']) => number): number =>
  Object.values(p.services).reduce((total, s) => total + pick(s) * s.replicas, 0)

describe('planner', () => {
  it('names the CPU decode as the bottleneck on a g4dn.xlarge at fp32', () => {
    const p = plan({ machine: g4dn })
    expect(p.provider).toBe('cuda')
    expect(p.model).toBe('resnet50-v1-12')
    expect(p.precision).toBe('fp32')
    expect(p.capacity.classify.kind).toBe('cpu-decode')
    expect(p.capacity.limits.gpu).toBeGreaterThan(p.capacity.limits.classifierCpu)
    expect(p.capacity.classifyImagesPerSec).toBe(p.capacity.limits.classifierCpu)
    expect(p.capacity.classify.sentence).toMatch(/^CPU JPEG decode bounds classify at ~\d+ img\/s .* before the T4 does/)
  })

  it('names the frontend proxy as the bottleneck on a g4dn.2xlarge, where twice the vCPUs decode faster than one event loop proxies', () => {
    const p = plan({ machine: MACHINES['g4dn.2xlarge']! })
    expect(p.capacity.classify.kind).toBe('frontend')
    expect(p.services.frontend.cpus).toBe(1)
    expect(p.capacity.limits.frontend).toBe(Math.round(1 / DEFAULT_COSTS.frontendCpuPerImage.value))
    expect(p.capacity.limits.classifierCpu).toBeGreaterThan(p.capacity.limits.frontend)
  })

  it('names the T4 as the bottleneck on a g4dn.2xlarge when uploads are small, and says decode would bind with FP16', () => {
    const costs = { ...DEFAULT_COSTS, frontendCpuPerImage: { value: 0.0005, measured: true, source: 'small uploads' } }
    const p = plan({ machine: MACHINES['g4dn.2xlarge']!, costs })
    expect(p.capacity.classify.kind).toBe('gpu')
    expect(p.capacity.limits.classifierCpu).toBeGreaterThan(p.capacity.limits.gpu!)
    expect(p.gpu!.fp16Ceiling.imagesPerSec).toBeGreaterThan(p.capacity.limits.classifierCpu)
    expect(p.gpu!.fp16Sentence).toMatch(new RegExp(`rise to ~${p.gpu!.fp16Ceiling.imagesPerSec} img/s, but CPU decode \\(~${p.capacity.limits.classifierCpu} img/s\\) would still bind`))
  })

  it('shows the T4\'s own fp32 and FP16 ceilings beside the decode ceiling on a g4dn.xlarge, where decode binds either way', () => {
    const p = plan({ machine: g4dn })
    const g = p.gpu!
    expect(g.measured).toBe(false)
    // The public T4 table: 420 img/s at batch 32 fp32 (77.62 ms), 1,083 img/s FP16 (29.54 ms).
    expect(g.ceiling).toEqual({ imagesPerSec: Math.round(32_000 / 77.62), batch: 32 })
    expect(g.fp16Ceiling).toEqual({ imagesPerSec: Math.round(32_000 / 29.54), batch: 32 })
    expect(p.capacity.limits.gpu).toBeLessThanOrEqual(g.ceiling.imagesPerSec)
    expect(p.capacity.limits.classifierCpu).toBeLessThan(p.capacity.limits.gpu!)
    expect(g.fp16Sentence).toMatch(/but CPU decode \(~\d+ img\/s\) would still bind: classify would not get faster/)
  })

  it('plans the T4 with the 15,360 MiB CUDA can allocate, not the 16,384 of its 16 GB label', () => {
    expect(T4.memMiB).toBe(15_360)
    expect(plan({ machine: g4dn }).gpuMemory!.availableMiB).toBe(15_360)
  })

  it('takes the frontend\'s default CPU per image from the project\'s own loadtest run, and labels every default with its source', () => {
    expect(DEFAULT_COSTS.frontendCpuPerImage.value).toBe(0.0037)
    const p = plan({ machine: g4dn })
    for (const f of p.sources) {
      expect(f.origin).not.toBe('measured')
      expect(f.source.length).toBeGreaterThan(10)
      expect(f.source).not.toMatch(/FIELD-NOTES|shared/)
    }
    const gpuFigures = p.sources.filter((f) => /T4|price/.test(f.figure))
    expect(gpuFigures.length).toBe(3)
    for (const f of gpuFigures) expect(f.url).toMatch(/^https:\/\//)
  })

  it('names CPU inference as the bottleneck on a CPU-only c6i.xlarge with the int8 model', () => {
    const p = plan({ machine: MACHINES['c6i.xlarge']! })
    expect(p.provider).toBe('cpu')
    expect(p.model).toBe('resnet50-v1-12-int8')
    expect(p.capacity.classify.kind).toBe('cpu-inference')
    expect(p.gpuMemory).toBeNull()
    expect(p.classifier.INTRA_OP_THREADS).toBeGreaterThanOrEqual(1)
    expect(p.classifier.INTRA_OP_THREADS).toBeLessThanOrEqual(Math.ceil(p.services.classifier.cpus))
  })

  it('sizes the queue from the latency target', () => {
    for (const sloMs of [300, 1000, 2000]) {
      const p = plan({ machine: g4dn, sloMs })
      const { MAX_QUEUE, RETRY_AFTER_S, serviceMs } = p.classifier
      const expected = p.capacity.classifyImagesPerSec * (sloMs - serviceMs) / 1000
      // The plan reports capacity rounded to whole images/s: allow for that.
      expect(Math.abs(MAX_QUEUE - expected)).toBeLessThanOrEqual(2)
      expect(RETRY_AFTER_S).toBe(Math.max(1, Math.ceil(MAX_QUEUE / p.capacity.classifyImagesPerSec)))
    }
    expect(plan({ machine: g4dn, sloMs: 2000 }).classifier.MAX_QUEUE).toBeGreaterThan(plan({ machine: g4dn, sloMs: 300 }).classifier.MAX_QUEUE)
  })

  it('keeps decode plus the batch run within half of a tight latency target', () => {
    const tight = plan({ machine: g4dn, sloMs: 100 })
    expect(16 + 2.5 * tight.classifier.batchRunMs).toBeLessThanOrEqual(50)
    expect(tight.classifier.MAX_BATCH_SIZE).toBeLessThan(plan({ machine: MACHINES['g4dn.2xlarge']!, sloMs: 1000 }).classifier.MAX_BATCH_SIZE)
    expect(tight.classifier.MAX_QUEUE_DELAY_MS).toBeLessThanOrEqual(5)
    expect(plan({ machine: g4dn, sloMs: 20 }).warnings.join('\n')).toMatch(/SLO 20 ms is (too tight|below the service time)/)
  })

  it('warns when the traffic target exceeds capacity', () => {
    expect(plan({ machine: g4dn, imagesPerSec: 1000 }).warnings.join('\n'))
      .toMatch(/target 1000 img\/s exceeds classify capacity ~\d+ img\/s: CPU JPEG decode/)
    const prime = plan({ machine: g4dn, imagesPerSec: 50, primePerSec: 100_000 }).warnings.join('\n')
    expect(prime).toMatch(/the targets need more than the 3.5 usable vCPUs: every service got a proportional cut/)
    expect(prime).toMatch(/target 100000 prime checks\/s exceeds capacity ~\d+\/s/)
    expect(plan({ machine: g4dn, imagesPerSec: 50, primePerSec: 100 }).warnings).toEqual([])
  })

  it('fits all limits within the machine\'s memory with headroom', () => {
    for (const machine of [...Object.values(MACHINES), localMachine()]) {
      const p = plan({ machine, imagesPerSec: 20, primePerSec: 100 })
      expect(p.reserved.memMiB).toBeGreaterThanOrEqual(1024)
      expect(sum(p, (s) => s.memMiB)).toBeLessThanOrEqual(machine.memGiB * 1024 - p.reserved.memMiB)
      expect(sum(p, (s) => s.cpus)).toBeLessThanOrEqual(machine.vcpus - p.reserved.cpus + 1e-9)
      for (const s of Object.values(p.services)) expect(s.memMiB).toBeGreaterThanOrEqual(s.rssMiB * 1.5)
    }
  })

  it('runs one classifier worker per GPU with one intra-op thread', () => {
    const p = plan({ machine: g4dn })
    expect(p.classifier.WORKERS).toBe(1)
    expect(p.classifier.INTRA_OP_THREADS).toBe(1)
    expect(p.classifier.UV_THREADPOOL_SIZE).toBeGreaterThanOrEqual(Math.ceil(p.services.classifier.cpus))
  })

  it('estimates GPU memory as CUDA context, weights, workspace and the largest batch\'s activations', () => {
    const p = plan({ machine: g4dn })
    const g = p.gpuMemory!
    expect(g.contextMiB).toBeGreaterThanOrEqual(300)
    expect(g.weightsMiB).toBe(Math.ceil(102_576_593 / 2 ** 20))
    expect(g.activationsMiB).toBe(Math.ceil(45 * p.classifier.MAX_BATCH_SIZE))
    expect(g.totalMiB).toBe(g.contextMiB + g.weightsMiB + g.workspaceMiB + g.activationsMiB)
    expect(g.availableMiB).toBe(15_360)
    expect(g.measuredMiB).toBeNull()
  })

  it('prices a million images at the planned throughput', () => {
    const p = plan({ machine: g4dn, imagesPerSec: 100 })
    const perMillion = (rate: number): number => 0.526 / (rate * 3600) * 1e6
    expect(p.cost!.usdPerMillionImages).toBeCloseTo(perMillion(p.capacity.classifyImagesPerSec), 1)
    expect(p.cost!.usdPerMillionImagesAtTarget).toBeCloseTo(perMillion(100), 2)
    expect(plan({ machine: localMachine() }).cost).toBeNull()
  })

  it('adds prime replicas when prime needs more than one vCPU', () => {
    const p = plan({ machine: MACHINES['g4dn.2xlarge']!, primePerSec: 6000, imagesPerSec: 100 })
    expect(p.services.prime.replicas).toBe(2)
    expect(p.services.prime.cpus).toBeLessThanOrEqual(1)
    expect(replicasFor(0.25)).toEqual({ replicas: 1, cpusEach: 0.25 })
  })

  it('gives spare vCPUs to the classifier, meets the small needs first, and cuts in proportion when even that fails', () => {
    expect(shareCpus(3.5, { frontend: 0.1, prime: 0.1, classifier: 1 })).toEqual({ frontend: 0.5, prime: 0.25, classifier: 2.75, cut: 'none' })
    expect(shareCpus(3.5, { frontend: 0.1, prime: 0.4, classifier: 4 })).toEqual({ frontend: 0.5, prime: 0.5, classifier: 2.5, cut: 'classifier' })
    const cut = shareCpus(3.5, { frontend: 0.5, prime: 2, classifier: 4 })
    expect(cut.cut).toBe('proportional')
    expect(cut.frontend + cut.prime + cut.classifier).toBeLessThanOrEqual(3.5)
    expect(cut.classifier).toBeGreaterThan(cut.prime)
  })

  it('rejects a GPU plan on a machine without one, an int8 model on CUDA and a negative target', () => {
    expect(() => plan({ machine: MACHINES['c6i.xlarge']!, provider: 'cuda' })).toThrow(/provider cuda needs a GPU; c6i.xlarge has none/)
    expect(() => plan({ machine: g4dn, model: 'resnet50-v1-12-int8', provider: 'cuda' })).toThrow(PlanError)
    expect(() => plan({ machine: g4dn, model: 'vgg16' })).toThrow(/unknown model "vgg16"/)
    expect(() => plan({ machine: g4dn, imagesPerSec: -1 })).toThrow(/imagesPerSec must be a number >= 0, got -1/)
  })

  it('agrees with models/catalog.json on weight sizes and precision', async () => {
    const catalog = JSON.parse(await readFile(new URL('../../models/catalog.json', import.meta.url), 'utf8')) as { models: Record<string, { bytes?: number, precision: string }> }
    for (const model of Object.values(MODELS)) {
      const entry = catalog.models[model.name]
      expect(entry, model.name).toBeDefined()
      expect(entry!.precision).toBe(model.precision)
      if (entry!.bytes !== undefined) expect(entry!.bytes).toBe(model.weightBytes)
    }
  })
})
