import type { Service } from './allocate.js'
import type { Costs } from './costs.js'
import type { GpuMemory } from './gpu-memory.js'
import type { SourcedGpuProfile } from './gpu-profile.js'
import type { MachineSpec } from './machines.js'
import type { ClassifierSettings } from './settings.js'

export type { ClassifierSettings } from './settings.js'

export type Provider = 'cuda' | 'cpu'

/** What to plan for. Only `machine` is required. */
export interface PlanInput {
  machine: MachineSpec
  /** Per-request costs, from `deriveCosts` (measured profiles) or DEFAULT_COSTS. */
  costs?: Costs
  /** Notes from reading the profiles, carried into the plan. */
  costNotes?: string[]
  /** A model of MODELS; default resnet50-v1-12 on a GPU machine, resnet50-v1-12-int8 otherwise. */
  model?: string
  provider?: 'auto' | Provider
  /** Classify target in images/s; absent means "as many as the machine can". */
  imagesPerSec?: number
  primePerSec?: number
  /** p99 latency target for classify; DEFAULT_SLO_MS when absent. */
  sloMs?: number
  /** A CUDA profile from `gpu:check` for this machine's GPU and the model: replaces the public GPU figures. */
  gpuProfile?: SourcedGpuProfile
}

/** One input figure of the plan: measured on the user's machines, or a default with its source. */
export interface SourceLine {
  figure: string
  value: string
  origin: 'measured' | 'default' | 'estimate'
  source: string
  url?: string
}

/** The GPU's side: the batch curve in use, its own ceiling, and what FP16 would add. */
export interface GpuSummary {
  measured: boolean
  curveSource: string
  /** Best images/s within the SLO at the served precision, and at FP16 (an estimate: no FP16 model ships). */
  ceiling: { imagesPerSec: number, batch: number }
  fp16Ceiling: { imagesPerSec: number, batch: number }
  /** Which stage would bind with an FP16 model, in one sentence. */
  fp16Sentence: string
}

export interface ServiceLimits {
  /** compose `cpus` per replica. */
  cpus: number
  /** compose `mem_limit` per replica, in MiB and as written ("768m"). */
  memMiB: number
  memLimit: string
  /** Expected peak resident memory per replica. */
  rssMiB: number
  replicas: number
}

export interface Bottleneck {
  kind: 'cpu-decode' | 'cpu-inference' | 'gpu' | 'frontend' | 'prime-cpu'
  perSec: number
  sentence: string
}

export interface Plan {
  machine: MachineSpec
  model: string
  precision: 'fp32' | 'int8'
  provider: Provider
  target: { imagesPerSec: number | null, primePerSec: number, sloMs: number, sloDefaulted: boolean }
  reserved: { cpus: number, memMiB: number }
  services: Record<Service, ServiceLimits>
  /** The classifier's settings, named as its env variables (RETRY_AFTER_S: the time to drain a full queue), and what they give. */
  classifier: ClassifierSettings & { batchRunMs: number, serviceMs: number }
  capacity: {
    classifyImagesPerSec: number
    primeChecksPerSec: number
    classify: Bottleneck
    prime: Bottleneck
    /** Each stage's own ceiling for classify, images/s. */
    limits: { classifierCpu: number, gpu: number | null, frontend: number }
  }
  gpuMemory: GpuMemory | null
  gpu: GpuSummary | null
  sources: SourceLine[]
  cost: { pricePerHourUsd: number, usdPerMillionImages: number, usdPerMillionImagesAtTarget: number | null, source: string } | null
  costs: Costs
  warnings: string[]
  notes: string[]
}

export class PlanError extends Error {
  override name = 'PlanError'
}
