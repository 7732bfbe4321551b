import type { ServiceUsage } from '@inference-stack/loadtest'
import { CUDA_HOST_RSS_MIB } from './gpu-memory.js'
import { cpuInferenceSeconds, MODELS, type ModelPerf } from './models.js'
import { ProfileError, scenarioKind, type LoadProfile, type ServiceName, type SourcedProfile } from './profiles.js'

/** A number with where it came from: a profile file, or a labelled default. */
export interface Figure {
  value: number
  source: string
  measured: boolean
  url?: string
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

/**
 * Fallbacks when no profile is given, each labelled. "The dev VM" is the
 * 2-vCPU AMD EPYC VM this project is developed on; its loadtest runs are
 * described in deploy/README.md (Capacity planning, With measured profiles).
 */
export const DEFAULT_COSTS: Costs = {
  classifierCpuPerImage: {
    value: 0.016,
    measured: false,
    source: 'estimate: 4 vCPUs decode roughly 80-250 photos/s (16-50 ms each); 16 ms is the small-photo end (sharp alone takes ~7.5 ms on a 640x480 JPEG on the dev VM)'
  },
  frontendCpuPerImage: { value: 0.0037, measured: false, source: 'default: loadtest classify through the frontend on the dev VM, 12 photos of 15 KB-3.8 MB (deploy/README.md)' },
  frontendCpuPerPrime: { value: 0.00043, measured: false, source: 'default: loadtest prime-small through the frontend on the dev VM' },
  primeCpuPerCheck: { value: 0.00019, measured: false, source: 'default: loadtest prime-small on the dev VM; 300-digit numbers took 5.5 ms' },
  frontendRssMiB: { value: 180, measured: false, source: 'default: loadtest peak on the dev VM, 176 MiB' },
  primeRssMiB: { value: 160, measured: false, source: 'default: loadtest peak on the dev VM, 160 MiB' },
  classifierBaseRssMiB: { value: 200, measured: false, source: 'estimate: Node + fastify + sharp without a model' }
}

export interface CostOptions {
  /**
   * The model the classifier ran while the profiles were taken, for results
   * that do not record it (older ones): its inference CPU and RSS are subtracted.
   */
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

/** The largest figure (conservative), with its source. */
function largestOf<T extends { value: number }> (items: T[]): T | undefined {
  return items.reduce<T | undefined>((best, x) => (best === undefined || x.value > best.value ? x : best), undefined)
}

/**
 * The model and provider a classify result ran with: recorded in the result
 * (loadtest asks the classifier's /info), else `fallback` on the CPU, noted.
 */
function ranWith ({ file, profile }: SourcedProfile, fallback: ModelPerf, notes: string[]): { model: ModelPerf, provider: 'cuda' | 'cpu' } {
  const recorded = profile.classifier
  if (recorded === undefined) {
    notes.push(`${file} does not record the classifier's model and provider: taken as ${fallback.name} on the CPU (--profile-model)`)
    return { model: fallback, provider: 'cpu' }
  }
  const model = MODELS[recorded.model]
  if (model === undefined) throw new ProfileError(`${file}: the classifier ran "${recorded.model}", which the planner has no figures for (known: ${Object.keys(MODELS).join(', ')})`)
  return { model, provider: recorded.provider }
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

  const cls = largestOf(classify.flatMap((p) => {
    const sample = p.profile.services.classifier
    if (sample === undefined) return []
    const ran = ranWith(p, options.measuredModel, notes)
    // On CUDA the classifier's CPU did no inference: nothing to take out.
    const inference = ran.provider === 'cuda' ? 0 : cpuInferenceSeconds(ran.model, 1)
    const rest = Math.max(0.001, sample.cpuSecondsPerRequest - inference)
    const how = ran.provider === 'cuda' ? `inference of ${ran.model.name} on CUDA, none on the CPU` : `minus ${(inference * 1000).toFixed(1)} ms inference of ${ran.model.name}`
    return [{ value: rest, file: p.file, source: `${p.file}: ${(sample.cpuSecondsPerRequest * 1000).toFixed(1)} ms/req, ${how}` }]
  }))
  if (cls !== undefined) costs.classifierCpuPerImage = { value: scale(cls.value), measured: true, source: cls.source }
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
  const clRss = largestOf(profiles.flatMap((p) => {
    const sample = p.profile.services.classifier
    if (sample === undefined) return []
    const ran = ranWith(p, options.measuredModel, [])
    // What the model (on CUDA: the CUDA libraries and a host copy of the weights) adds to the base.
    const model = ran.provider === 'cuda' ? CUDA_HOST_RSS_MIB + Math.ceil(ran.model.weightBytes / 2 ** 20) : ran.model.cpuRssMiB - NODE_BASE_RSS_MIB
    return [{ value: Math.max(NODE_BASE_RSS_MIB, sample.rssMiB.max - model), file: p.file, source: `${p.file}: ${Math.round(sample.rssMiB.max)} MiB minus ${model} MiB for ${ran.model.name} on ${ran.provider}` }]
  }))
  if (clRss !== undefined) costs.classifierBaseRssMiB = { value: clRss.value, measured: true, source: clRss.source }
  if (profiles.length > 0 && options.coreSpeed === 1) {
    notes.push('core speed 1.0: a target vCPU is assumed as fast as a core of the profiled machine; pass --core-speed after a run on the target')
  }
  return { costs, notes }
}
