import type { CpuShares } from './allocate.js'
import type { Costs } from './costs.js'
import type { MachineSpec } from './machines.js'
import type { ModelPerf } from './models.js'
import type { Bottleneck, Plan } from './plan-types.js'

export interface CapacityInput {
  machine: MachineSpec
  model: ModelPerf
  shares: CpuShares
  costs: Costs
  imagesPerSec: number | undefined
  primePerSec: number
  /** CPU-seconds per image outside inference, and of CPU inference (0 on the GPU). */
  decode: number
  inference: number
  /** Each stage's own classify ceiling, images/s. */
  limits: Plan['capacity']['limits']
  batch: number
  /** vCPUs of all prime replicas together. */
  primeCpus: number
}

const n = (v: number): string => v >= 100 ? String(Math.round(v / 10) * 10) : String(Math.round(v))

/**
 * Classify capacity is the smallest stage ceiling: the classifier's vCPUs
 * divided by CPU-seconds per image, the GPU's b / run(b) at the chosen batch,
 * and the frontend's vCPU (less what prime traffic takes) divided by its cost
 * per image. The stage giving the minimum is named as the bottleneck.
 * Prime capacity likewise: its vCPUs over cost per check, or the frontend.
 */
export function explainCapacity (input: CapacityInput): { classifyImagesPerSec: number, summary: Plan['capacity'], warnings: string[] } {
  const { limits, machine, model, costs } = input
  const warnings: string[] = []
  const cpuKind = input.inference > input.decode ? 'cpu-inference' : 'cpu-decode'
  const candidates: Bottleneck[] = [{ kind: cpuKind, perSec: limits.classifierCpu, sentence: '' }]
  if (limits.gpu !== null) candidates.push({ kind: 'gpu', perSec: limits.gpu, sentence: '' })
  candidates.push({ kind: 'frontend', perSec: limits.frontend, sentence: '' })
  const classify = candidates.reduce((a, b) => (b.perSec < a.perSec ? b : a))
  const gpuName = machine.gpu?.model.replace('NVIDIA ', '') ?? 'GPU'
  const vcpus = input.shares.classifier
  if (classify.kind === 'cpu-decode' && limits.gpu !== null) {
    classify.sentence = `CPU JPEG decode bounds classify at ~${n(classify.perSec)} img/s (${vcpus} vCPUs at ${(input.decode * 1000).toFixed(1)} ms/img) before the ${gpuName} does (~${n(limits.gpu)} img/s at ${model.precision}, batch ${input.batch})`
  } else if (classify.kind === 'cpu-decode') {
    classify.sentence = `CPU JPEG decode (${(input.decode * 1000).toFixed(1)} ms/img) outweighs CPU inference (${(input.inference * 1000).toFixed(1)} ms/img): classify tops out at ~${n(classify.perSec)} img/s on ${vcpus} vCPUs`
  } else if (classify.kind === 'cpu-inference') {
    classify.sentence = `CPU inference of ${model.name} (${(input.inference * 1000).toFixed(1)} ms/img, decode ${(input.decode * 1000).toFixed(1)} ms/img) bounds classify at ~${n(classify.perSec)} img/s on ${vcpus} vCPUs`
  } else if (classify.kind === 'gpu') {
    classify.sentence = `the ${gpuName} bounds classify at ~${n(classify.perSec)} img/s (${model.precision}, batch ${input.batch}); CPU decode could feed ~${n(limits.classifierCpu)} img/s`
  } else {
    classify.sentence = `the frontend proxy (one event loop, ${input.shares.frontend} vCPU) bounds classify at ~${n(classify.perSec)} img/s`
  }

  const images = input.imagesPerSec ?? classify.perSec
  const primeOwn = input.primeCpus / costs.primeCpuPerCheck.value
  const primeFront = Math.max(0, input.shares.frontend - Math.min(images, classify.perSec) * costs.frontendCpuPerImage.value) / costs.frontendCpuPerPrime.value
  const prime: Bottleneck = primeOwn <= primeFront
    ? { kind: 'prime-cpu', perSec: primeOwn, sentence: `prime's ${input.primeCpus} vCPU bounds checks at ~${n(primeOwn)}/s (${(costs.primeCpuPerCheck.value * 1000).toFixed(2)} ms each)` }
    : { kind: 'frontend', perSec: primeFront, sentence: `the frontend proxy bounds prime checks at ~${n(primeFront)}/s next to the image traffic` }

  if (input.imagesPerSec !== undefined && input.imagesPerSec > classify.perSec) {
    warnings.push(`target ${input.imagesPerSec} img/s exceeds classify capacity ~${n(classify.perSec)} img/s: ${classify.sentence}`)
  }
  if (input.primePerSec > prime.perSec) {
    warnings.push(`target ${input.primePerSec} prime checks/s exceeds capacity ~${n(prime.perSec)}/s: ${prime.sentence}`)
  }
  return {
    classifyImagesPerSec: classify.perSec,
    summary: {
      classifyImagesPerSec: Math.round(classify.perSec),
      primeChecksPerSec: Math.round(prime.perSec),
      classify: { ...classify, perSec: Math.round(classify.perSec) },
      prime: { ...prime, perSec: Math.round(prime.perSec) },
      limits: {
        classifierCpu: Math.round(limits.classifierCpu),
        gpu: limits.gpu === null ? null : Math.round(limits.gpu),
        frontend: Math.round(limits.frontend)
      }
    },
    warnings
  }
}
