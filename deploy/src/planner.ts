import { CPU_FLOOR, replicasFor, reservedCpus, round2, shareCpus } from './allocate.js'
import { chooseBatch, queueDelayMs, sizeQueue } from './batching.js'
import { explainCapacity } from './capacity.js'
import { DEFAULT_COSTS } from './costs.js'
import { gpuMemory } from './gpu-memory.js'
import { planGpu } from './gpu-plan.js'
import { sameGpu } from './gpu-profile.js'
import { sizeMemory } from './memory.js'
import { cpuBatchMs, cpuInferenceSeconds, MODELS, recommendedModel, type ModelPerf } from './models.js'
import { PlanError, type Plan, type PlanInput, type Provider } from './plan-types.js'
import { planSources } from './plan-sources.js'
import { settingsProblems, withinBounds } from './settings.js'

export * from './plan-types.js'

export const DEFAULT_SLO_MS = 1000
/** The catalog's choices: resnet50-v1-12 (fp32) on a GPU, its int8 version on a CPU. */
export const GPU_MODEL = recommendedModel('gpu')
export const CPU_MODEL = recommendedModel('cpu')

function check (name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
    throw new PlanError(`${name} must be a number >= ${min}, got ${String(value)}`)
  }
}

function resolveModel (input: PlanInput): { model: ModelPerf, provider: Provider } {
  const gpu = input.machine.gpu
  const wanted = input.provider ?? 'auto'
  const provider: Provider = wanted === 'auto' ? (gpu === undefined ? 'cpu' : 'cuda') : wanted
  if (provider === 'cuda' && gpu === undefined) {
    throw new PlanError(`provider cuda needs a GPU; ${input.machine.name} has none (use --provider cpu)`)
  }
  const name = input.model ?? (provider === 'cuda' ? GPU_MODEL : CPU_MODEL)
  const model = MODELS[name]
  if (model === undefined) throw new PlanError(`unknown model "${name}"; known: ${Object.keys(MODELS).join(', ')}`)
  if (provider === 'cuda' && model.t4 === undefined) {
    throw new PlanError(`${name} is not planned for the GPU: its int8 operators are meant for the CPU provider`)
  }
  return { model, provider }
}

/** A GPU profile stands for this plan only if it ran on CUDA, on this GPU, with this model. */
function checkGpuProfile (input: PlanInput, model: ModelPerf, provider: Provider): void {
  const sourced = input.gpuProfile
  if (sourced === undefined) return
  const { file, profile } = sourced
  if (profile.provider !== 'cuda') throw new PlanError(`${file} ran on ${profile.provider}, not CUDA: it is not a GPU profile`)
  if (provider !== 'cuda') throw new PlanError(`${file} is a GPU profile but the plan runs on ${provider}`)
  const gpu = input.machine.gpu!
  if (profile.gpu === null || !sameGpu(profile.gpu.name, gpu.model)) throw new PlanError(`${file} was measured on ${profile.gpu?.name ?? 'no GPU'}, not the ${input.machine.name}'s ${gpu.model}`)
  if (profile.model.name !== model.name) throw new PlanError(`${file} measured ${profile.model.name}, not ${model.name}`)
}

/**
 * Sizes the stack for one machine. Pure: the same input gives the same plan.
 * The steps, each explained where it is computed:
 * 1. model and provider; 2. CPU cost per image (decode, plus inference on CPU);
 * 3. vCPU shares (allocate.ts); 4. batch size (batching.ts); 5. capacity per
 * stage and the bottleneck (capacity.ts); 6. queue from the SLO; 7. memory (memory.ts).
 */
export function plan (input: PlanInput): Plan {
  check('imagesPerSec', input.imagesPerSec, 0)
  check('primePerSec', input.primePerSec, 0)
  check('sloMs', input.sloMs, 1)
  const { machine } = input
  const { model, provider } = resolveModel(input)
  checkGpuProfile(input, model, provider)
  const costs = input.costs ?? DEFAULT_COSTS
  const sloMs = input.sloMs ?? DEFAULT_SLO_MS
  const primePerSec = input.primePerSec ?? 0
  const notes = [...(input.costNotes ?? [])]
  const warnings: string[] = []
  const decode = costs.classifierCpuPerImage.value
  const decodeMs = decode * 1000

  // CPU inference: the batch is chosen first (it sets the CPU cost per image).
  const cpuChoice = provider === 'cpu'
    ? chooseBatch((b) => cpuBatchMs(model, b, 2), { sloMs, decodeMs, efficiency: 0.9 })
    : undefined
  const inference = cpuChoice === undefined ? 0 : cpuInferenceSeconds(model, cpuChoice.batch)
  const perImage = decode + inference

  // vCPU shares. Without an image target the frontend is sized for what the
  // classifier could do with every vCPU left after the floors.
  const reservedCpu = reservedCpus(machine.vcpus)
  const usable = machine.vcpus - reservedCpu
  const imageDemand = input.imagesPerSec ?? Math.max(0, usable - CPU_FLOOR.frontend - CPU_FLOOR.prime) / perImage
  const shares = shareCpus(usable, {
    frontend: imageDemand * costs.frontendCpuPerImage.value + primePerSec * costs.frontendCpuPerPrime.value,
    prime: primePerSec * costs.primeCpuPerCheck.value,
    classifier: input.imagesPerSec === undefined ? 0 : input.imagesPerSec * perImage
  })
  const prime = replicasFor(shares.prime)

  // Capacity of each stage for classify, images/s.
  const classifierCpu = shares.classifier / perImage
  const frontendImages = Math.max(0, shares.frontend - primePerSec * costs.frontendCpuPerPrime.value) / costs.frontendCpuPerImage.value
  const gpuPlan = provider === 'cuda'
    ? planGpu({ model, profile: input.gpuProfile, sloMs, decodeMs, feed: Math.min(classifierCpu, frontendImages) })
    : undefined
  const gpuChoice = gpuPlan?.choice
  const choice = gpuChoice ?? cpuChoice!
  if (!choice.fitsSlo) warnings.push(`SLO ${sloMs} ms is too tight: decode (${decodeMs.toFixed(1)} ms) plus one batch-1 run does not fit in half of it`)
  const intraOp = provider === 'cuda' ? 1 : Math.max(1, Math.round(shares.classifier * inference / perImage))
  const batchRunMs = provider === 'cuda' ? choice.runMs : cpuBatchMs(model, choice.batch, intraOp)

  const capacity = explainCapacity({
    machine,
    model,
    shares,
    costs,
    primePerSec,
    imagesPerSec: input.imagesPerSec,
    decode,
    inference,
    limits: { classifierCpu, gpu: gpuChoice?.imagesPerSec ?? null, frontend: frontendImages },
    batch: choice.batch,
    primeCpus: prime.cpusEach * prime.replicas
  })

  // Queue from the SLO (batching.ts), at the planned classify capacity.
  const delay = queueDelayMs(choice.batch, batchRunMs, sloMs)
  const queue = sizeQueue(capacity.classifyImagesPerSec, sloMs, decodeMs + delay + batchRunMs, choice.batch)
  if (queue.sloBelowService) warnings.push(`SLO ${sloMs} ms is below the service time of ${queue.serviceMs.toFixed(1)} ms: no queue can meet it`)

  // Memory (memory.ts).
  const uvThreads = Math.max(4, Math.ceil(shares.classifier))
  const memory = sizeMemory({
    machine,
    costs,
    model,
    provider,
    decodeThreads: uvThreads,
    cpus: { frontend: shares.frontend, prime: prime.cpusEach, classifier: shares.classifier },
    primeReplicas: prime.replicas
  })
  warnings.push(...memory.warnings)
  const gpuMem = gpuPlan !== undefined ? gpuMemory(model, machine.gpu!, choice.batch, gpuPlan.measuredMemMiB) : null
  if (gpuMem !== null && gpuMem.totalMiB > 0.9 * gpuMem.availableMiB) {
    warnings.push(`GPU memory estimate ${gpuMem.totalMiB} MiB is over 90 % of the ${machine.gpu!.model}'s ${gpuMem.availableMiB} MiB`)
  }

  if (usable < CPU_FLOOR.frontend + CPU_FLOOR.prime + CPU_FLOOR.classifier) {
    warnings.push(`${machine.name} has ${round2(usable)} usable vCPUs, less than the services' smallest limits: every limit got a proportional cut`)
  } else if (shares.cut === 'classifier') {
    warnings.push(`the targets need more than the ${round2(usable)} usable vCPUs: frontend and prime got their share, the classifier the ${shares.classifier} left`)
  } else if (shares.cut === 'proportional') {
    warnings.push(`the targets need more than the ${round2(usable)} usable vCPUs: every service got a proportional cut`)
  }
  warnings.push(...capacity.warnings)
  if (provider === 'cpu' && model.precision === 'fp32') notes.push(`${model.name} is fp32 on the CPU: the int8 model is about 2.5x cheaper there (estimate)`)
  if (provider === 'cpu') notes.push(`CPU inference figures: ${model.cpu.source}`)
  if (machine.pricePerHourUsd === undefined) notes.push('no price known for this machine: no cost figure')

  // Within the classifier's own config schema: a plan it would refuse to start with is a bug here.
  const settings = withinBounds({
    EXECUTION_PROVIDER: provider,
    MODEL: model.name,
    WORKERS: 1,
    INTRA_OP_THREADS: intraOp,
    MAX_BATCH_SIZE: choice.batch,
    MAX_QUEUE_DELAY_MS: delay,
    MAX_QUEUE: queue.maxQueue,
    UV_THREADPOOL_SIZE: uvThreads,
    RETRY_AFTER_S: queue.retryAfterS
  }, warnings)
  const refused = settingsProblems(settings)
  if (refused.length > 0) throw new PlanError(`the planned classifier settings are outside its config schema: ${refused.join('; ')}`)

  const price = machine.pricePerHourUsd
  const perMillion = (rate: number): number => round2(price! / (rate * 3600) * 1e6)
  return {
    machine,
    model: model.name,
    precision: model.precision,
    provider,
    target: { imagesPerSec: input.imagesPerSec ?? null, primePerSec, sloMs, sloDefaulted: input.sloMs === undefined },
    reserved: { cpus: reservedCpu, memMiB: memory.reservedMiB },
    services: memory.services,
    classifier: { ...settings, batchRunMs: round2(batchRunMs), serviceMs: round2(queue.serviceMs) },
    capacity: capacity.summary,
    gpuMemory: gpuMem,
    gpu: gpuPlan === undefined ? null : gpuSummary(gpuPlan, capacity.summary.limits),
    sources: planSources({ machine, model, provider, costs, gpuCurve: gpuPlan?.curve, gpuMem }),
    cost: price === undefined || capacity.classifyImagesPerSec <= 0
      ? null
      : {
          pricePerHourUsd: price,
          usdPerMillionImages: perMillion(capacity.classifyImagesPerSec),
          usdPerMillionImagesAtTarget: input.imagesPerSec !== undefined && input.imagesPerSec > 0 ? perMillion(Math.min(input.imagesPerSec, capacity.classifyImagesPerSec)) : null,
          source: machine.priceSource ?? ''
        },
    costs,
    warnings,
    notes
  }
}

/** The GPU's own ceilings next to the others, and which stage would bind with an FP16 model. */
function gpuSummary (g: ReturnType<typeof planGpu>, limits: Plan['capacity']['limits']): NonNullable<Plan['gpu']> {
  const fp16 = Math.round(g.fp16Ceiling.imagesPerSec)
  const others = { 'CPU decode': limits.classifierCpu, 'the frontend': limits.frontend }
  const [binder, rate] = Object.entries(others).reduce((a, b) => (b[1] < a[1] ? b : a))
  const fp16Sentence = fp16 <= rate
    ? `with an FP16 model the GPU (~${fp16} img/s) would still bind`
    : `with an FP16 model the GPU ceiling would rise to ~${fp16} img/s, but ${binder} (~${rate} img/s) would still bind: classify would not get faster`
  return {
    measured: g.curve.measured,
    curveSource: g.curve.source,
    ceiling: { imagesPerSec: Math.round(g.ceiling.imagesPerSec), batch: g.ceiling.batch },
    fp16Ceiling: { imagesPerSec: fp16, batch: g.fp16Ceiling.batch },
    fp16Sentence
  }
}
