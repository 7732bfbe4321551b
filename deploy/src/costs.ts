import type { ServiceUsage } from '../../loadtest/src/result.js'
import type { ModelPerf } from './models.js'
import { cpuInferenceSeconds } from './models.js'
import { scenarioKind, type LoadProfile, type ServiceName, type SourcedProfile } from './profiles.js'

/** A number with where it came from: a profile file, or a labelled default. */
export interface Figure {
  value: number
  source: string
  measured: boolean
}

/**
 * Per-request costs in CPU-seconds of the target's vCPUs, and resident memory.
 * `classifierCpuPerImage` excludes inference: HTTP, multipart, sharp decode and
 * resize, softmax. Inference is added from the model's curve when it runs on CPU.
 */
export interface Costs {
  classifierCpuPerImage: Figure
  frontendCpuPerImage: Figure
  frontendCpuPerPrime: Figure
  primeCpuPerCheck: Figure
  frontendRssMiB: Figure
  primeRssMiB: Figure
  /** The classifier process without its model: Node, fastify, sharp. */
  classifierBaseRssMiB: Figure
}

/** Resident memory of a bare Node process, part of every model's cpuRssMiB figure. */
export const NODE_BASE_RSS_MIB = 60

/** Fallbacks when no profile is given: figures measured on the 2-vCPU development VM or published, each labelled. */
export const DEFAULT_COSTS: Costs = {
  classifierCpuPerImage: {
    value: 0.016,
    measured: false,
    source: 'default: 4 g4dn vCPUs decode roughly 80-250 img/s = 16-50 ms/img; 16 ms is the small-photo end'
  },
  frontendCpuPerImage: { value: 0.0005, measured: false, source: 'default: estimate from the frontend proxy figures (5.1k req/s on 2 cores) plus upload streaming' },
  frontendCpuPerPrime: { value: 0.00043, measured: false, source: 'default: loadtest prime-small through the frontend on the 2-vCPU dev VM' },
  primeCpuPerCheck: { value: 0.00019, measured: false, source: 'default: loadtest prime-small on the dev VM; 300-digit numbers took 5.5 ms' },
  // loadtest runs on the 2-vCPU dev VM (Node 20) peaked at 176 MiB (frontend) and 160 MiB (prime).
  frontendRssMiB: { value: 180, measured: false, source: 'default: loadtest peak on the dev VM, 176 MiB' },
  primeRssMiB: { value: 160, measured: false, source: 'default: loadtest peak on the dev VM, 160 MiB' },
  classifierBaseRssMiB: { value: 200, measured: false, source: 'default: estimate for Node + fastify + sharp without a model' }
}

export interface CostOptions {
  /** The model the classifier ran while the profiles were taken (its inference CPU and RSS are subtracted). */
  measuredModel: ModelPerf
  /** Speed of one target vCPU relative to one core of the profiled machine. */
  coreSpeed: number
}

/** Whether the frontend carried the run's requests (an external stack is reached through its frontend). */
function viaFrontend (profile: LoadProfile): boolean {
  return profile.via === 'frontend' || (profile.via === 'external' && profile.services.frontend !== undefined)
}

/** The largest value of one service's figure across profiles (conservative), with its file. */
function largest (profiles: SourcedProfile[], service: ServiceName, pick: (s: ServiceUsage) => number): { value: number, file: string } | undefined {
  let best: { value: number, file: string } | undefined
  for (const { file, profile } of profiles) {
    const sample = profile.services[service]
    if (sample === undefined) continue
    const value = pick(sample)
    if (best === undefined || value > best.value) best = { value, file }
  }
  return best
}

/**
 * Costs from measured profiles where they exist, defaults elsewhere.
 * Measured CPU-seconds are divided by `coreSpeed`: a request that took 10 ms of
 * a profiled core takes 10 / 0.8 = 12.5 ms of a target vCPU that is 0.8 as fast.
 * Core counts do not enter: CPU-seconds per request do not depend on them.
 */
export function deriveCosts (profiles: SourcedProfile[], options: CostOptions): { costs: Costs, notes: string[] } {
  const notes: string[] = []
  const costs: Costs = { ...DEFAULT_COSTS }
  const scale = (v: number): number => v / options.coreSpeed
  const classify = profiles.filter((p) => scenarioKind(p.profile.scenario) === 'classify')
  const prime = profiles.filter((p) => scenarioKind(p.profile.scenario) === 'prime')
  for (const { file, profile } of profiles) {
    const failed = profile.errors + Object.values(profile.non2xx ?? {}).reduce((a, b) => a + b, 0)
    if (profile.total > 0 && failed / profile.total > 0.05) {
      notes.push(`${file}: ${failed} of ${profile.total} requests failed; its per-request costs are understated`)
    }
  }

  const cls = largest(classify, 'classifier', (s) => s.cpuSecondsPerRequest)
  if (cls !== undefined) {
    // The profiled classifier also ran inference on its CPU: take that part out.
    const inference = cpuInferenceSeconds(options.measuredModel, 1)
    const rest = Math.max(0.001, cls.value - inference)
    costs.classifierCpuPerImage = {
      value: scale(rest),
      measured: true,
      source: `${cls.file}: ${(cls.value * 1000).toFixed(1)} ms/req minus ${(inference * 1000).toFixed(1)} ms inference of ${options.measuredModel.name}`
    }
  }
  const feImg = largest(classify.filter((p) => viaFrontend(p.profile)), 'frontend', (s) => s.cpuSecondsPerRequest)
  if (feImg !== undefined) costs.frontendCpuPerImage = { value: scale(feImg.value), measured: true, source: feImg.file }
  const fePrime = largest(prime.filter((p) => viaFrontend(p.profile)), 'frontend', (s) => s.cpuSecondsPerRequest)
  if (fePrime !== undefined) costs.frontendCpuPerPrime = { value: scale(fePrime.value), measured: true, source: fePrime.file }
  const pr = largest(prime, 'prime', (s) => s.cpuSecondsPerRequest)
  if (pr !== undefined) costs.primeCpuPerCheck = { value: scale(pr.value), measured: true, source: pr.file }

  const feRss = largest(profiles, 'frontend', (s) => s.rssMiB.max)
  if (feRss !== undefined) costs.frontendRssMiB = { value: feRss.value, measured: true, source: feRss.file }
  const prRss = largest(profiles, 'prime', (s) => s.rssMiB.max)
  if (prRss !== undefined) costs.primeRssMiB = { value: prRss.value, measured: true, source: prRss.file }
  const clRss = largest(profiles, 'classifier', (s) => s.rssMiB.max)
  if (clRss !== undefined) {
    const model = options.measuredModel.cpuRssMiB - NODE_BASE_RSS_MIB
    costs.classifierBaseRssMiB = {
      value: Math.max(NODE_BASE_RSS_MIB, clRss.value - model),
      measured: true,
      source: `${clRss.file}: ${Math.round(clRss.value)} MiB minus ${model} MiB for ${options.measuredModel.name}`
    }
  }
  if (profiles.length > 0 && options.coreSpeed === 1) {
    notes.push('core speed 1.0: a target vCPU is assumed as fast as a core of the profiled machine; pass --core-speed after a run on the target')
  }
  return { costs, notes }
}
