import type { Costs, Figure } from './costs.js'
import type { GpuCurve } from './gpu-curve.js'
import type { GpuMemory } from './gpu-memory.js'
import type { MachineSpec } from './machines.js'
import type { ModelPerf } from './models.js'
import type { Provider, SourceLine } from './plan-types.js'

export interface SourcesInput {
  machine: MachineSpec
  model: ModelPerf
  provider: Provider
  costs: Costs
  gpuCurve?: GpuCurve | undefined
  gpuMem: GpuMemory | null
}

const ms = (seconds: number): string => `${(seconds * 1000).toFixed(seconds < 0.001 ? 2 : 1)} ms`
const line = (figure: string, value: string, f: { measured: boolean, source: string, url?: string | undefined }): SourceLine => ({
  figure,
  value,
  origin: f.measured ? 'measured' : f.source.startsWith('estimate') ? 'estimate' : 'default',
  source: f.source,
  ...(f.url === undefined ? {} : { url: f.url })
})

/**
 * Every input figure of a plan, saying which were measured on the user's
 * machines (loadtest profiles, gpu:check) and which are defaults, with the
 * public source of each default.
 */
export function planSources (input: SourcesInput): SourceLine[] {
  const { costs, machine, model } = input
  const cost = (name: string, f: Figure): SourceLine => line(name, ms(f.value), f)
  const out: SourceLine[] = [
    cost('classifier CPU per image (no inference)', costs.classifierCpuPerImage),
    cost('frontend CPU per image', costs.frontendCpuPerImage),
    cost('frontend CPU per prime check', costs.frontendCpuPerPrime),
    cost('prime CPU per check', costs.primeCpuPerCheck)
  ]
  if (input.provider === 'cpu') {
    out.push(line(`${model.name} CPU batch time`, `${model.cpu.fixedMs} + ${model.cpu.perImageMs} ms x batch (2 threads)`, { measured: false, source: model.cpu.source }))
  }
  const gpu = machine.gpu
  if (input.gpuCurve !== undefined && gpu !== undefined) {
    const c = input.gpuCurve
    out.push(line(`${model.name} batch time on the ${gpu.model}`, c.points.map((p) => `b${p.batch} ${p.runMs} ms`).join(', '), c))
    const mem = input.gpuMem
    if (mem !== null) {
      out.push(mem.measuredMiB !== null
        ? line('GPU memory of the classifier', `${mem.measuredMiB} MiB`, { measured: true, source: c.source })
        : line('GPU memory of the classifier', `${mem.totalMiB} MiB`, { measured: false, source: 'estimate: CUDA context 400 MiB + weights + 256 MiB workspace + 45 MiB per image of the batch' }))
    }
    out.push(line(`${gpu.model}`, `${gpu.memMiB} MiB usable (${gpu.memGB} GB), ${gpu.fp32Tflops} TFLOPS FP32, ${gpu.fp16Tflops} FP16, ${gpu.memBandwidthGBs} GB/s`,
      { measured: false, source: 'default: NVIDIA T4 datasheet; usable memory as nvidia-smi reports it', url: gpu.source }))
  }
  if (machine.pricePerHourUsd !== undefined) {
    out.push(line(`${machine.name} price`, `$${machine.pricePerHourUsd}/h`, { measured: false, source: `default: ${machine.priceSource ?? ''}`, url: machine.priceUrl }))
  }
  return out
}
