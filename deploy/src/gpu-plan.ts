import { chooseBatch, type BatchChoice } from './batching.js'
import { curveMs, type GpuCurve } from './gpu-curve.js'
import { profileCurve, profileGpuMemMiB, type SourcedGpuProfile } from './gpu-profile.js'
import type { ModelPerf } from './models.js'

export interface GpuPlanInput {
  model: ModelPerf
  /** A CUDA profile of this GPU and model from `gpu:check`; without it the public T4 figures. */
  profile?: SourcedGpuProfile | undefined
  sloMs: number
  decodeMs: number
  /** Images/s the CPU and the frontend can feed the GPU. */
  feed: number
}

export interface GpuPlan {
  /** The batch the classifier runs: enough for the feed, within the SLO. */
  choice: BatchChoice
  curve: GpuCurve
  /** The GPU's own ceiling at the served precision: its best batch within the SLO. */
  ceiling: BatchChoice
  /** What an FP16 model would reach (estimate): the public FP16/FP32 ratio applied to the curve in use. */
  fp16Ceiling: BatchChoice
  measuredMemMiB: number | null
}

/**
 * GPU side of the plan. The batch is the smallest reaching 1.5x what the CPU
 * and the frontend can feed (a GPU ceiling below theirs wastes vCPUs; the
 * margin drains bursts) or 90 % of the plateau; the ceilings use every batch
 * size whose latency still fits the SLO.
 */
export function planGpu (input: GpuPlanInput): GpuPlan {
  const defaults = input.model.t4
  if (defaults === undefined) throw new Error(`${input.model.name} has no GPU figures`)
  const curve = input.profile === undefined ? defaults.fp32 : profileCurve(input.profile)
  const run = (b: number): number => curveMs(curve, b)
  const fp16 = (b: number): number => run(b) * curveMs(defaults.fp16, b) / curveMs(defaults.fp32, b)
  const budget = { sloMs: input.sloMs, decodeMs: input.decodeMs }
  const choice = chooseBatch(run, { ...budget, efficiency: 0.9, enough: 1.5 * input.feed })
  return {
    choice,
    curve,
    ceiling: chooseBatch(run, { ...budget, efficiency: 1 }),
    fp16Ceiling: chooseBatch(fp16, { ...budget, efficiency: 1 }),
    measuredMemMiB: input.profile === undefined ? null : profileGpuMemMiB(input.profile.profile, choice.batch)
  }
}
