// Which onnxruntime execution provider serves, decided before onnxruntime is asked: a failed
// CUDA load prints a red native "Failed to load library" error on every CPU-only host.
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { ExecutionProvider } from './session-protocol.js'

const CUDA_LIBRARIES = process.platform === 'win32'
  ? ['onnxruntime_providers_cuda.dll', 'onnxruntime_providers_shared.dll']
  : ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']

/** What this host offers CUDA, found without loading it. */
export interface CudaProbe {
  /** onnxruntime-node's native directory, where its CUDA provider library is installed (or not). */
  libraryDir: string
  providerInstalled: boolean
  /** The device that shows an NVIDIA GPU to this process (`/dev/nvidia0`), or undefined. */
  gpu: string | undefined
}

/** CPU (with the reason to log, if any), or CUDA to try (with what to do when it fails). */
export type ProviderPlan =
  | { provider: 'cpu', note?: string, level?: 'info' | 'warn' }
  | { provider: 'cuda', requested: 'auto' | 'cuda', gpu: string | undefined, cpuFallback: boolean }

/** The classifier must not start with this provider setting; the message says what to change. */
export class ProviderError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ProviderError'
  }
}

const notInstalled = (probe: CudaProbe): string =>
  `onnxruntime-node was installed without its CUDA provider (no ${CUDA_LIBRARIES[0]} in ${probe.libraryDir}): ` +
  'reinstall it on this host with internet access (npm ci, without ONNXRUNTIME_NODE_INSTALL=skip), or use the GPU image (Dockerfile.gpu)'
const toCpu = 'to serve on the CPU anyway, set ALLOW_CPU_FALLBACK=true (or EXECUTION_PROVIDER=cpu)'

/**
 * The decision table. `cpu`: CPU. `cuda`: CUDA or refuse. `auto`: without a visible GPU,
 * CPU with one info line; with one, CUDA, and when CUDA cannot start, refuse unless
 * ALLOW_CPU_FALLBACK=true: a T4 host quietly serving from its 4 vCPUs is the worst outcome.
 */
export function planProvider (requested: 'auto' | ExecutionProvider, probe: CudaProbe, allowCpuFallback: boolean): ProviderPlan {
  if (requested === 'cpu') return { provider: 'cpu' }
  if (requested === 'cuda') {
    if (!probe.providerInstalled) throw new ProviderError(`EXECUTION_PROVIDER=cuda, but ${notInstalled(probe)}`)
    return { provider: 'cuda', requested, gpu: probe.gpu, cpuFallback: false }
  }
  if (probe.gpu === undefined) {
    return { provider: 'cpu', level: 'info', note: 'EXECUTION_PROVIDER=auto: no NVIDIA GPU is visible to this process (no /dev/nvidia0), so the CPU serves' }
  }
  if (!probe.providerInstalled) {
    const problem = `EXECUTION_PROVIDER=auto: an NVIDIA GPU is visible (${probe.gpu}), but ${notInstalled(probe)}`
    if (!allowCpuFallback) throw new ProviderError(`${problem}; ${toCpu}`)
    return { provider: 'cpu', level: 'warn', note: `${problem}; serving on the CPU because ALLOW_CPU_FALLBACK=true` }
  }
  return { provider: 'cuda', requested, gpu: probe.gpu, cpuFallback: allowCpuFallback }
}

/** What to say when CUDA was tried and failed: the refusal, or the warning that goes with the CPU. */
export function cudaFailure (plan: Extract<ProviderPlan, { provider: 'cuda' }>, err: unknown): string {
  const reason = (err as Error).message
  const needs = 'It needs the NVIDIA driver, CUDA 12 and cuDNN 9 (libcudnn.so.9, libcublasLt.so.12)'
  if (plan.requested === 'cuda') return `EXECUTION_PROVIDER=cuda, but CUDA could not start: ${reason}. ${needs}`
  const problem = `EXECUTION_PROVIDER=auto: an NVIDIA GPU is visible (${plan.gpu}), but CUDA could not start: ${reason}`
  return plan.cpuFallback ? `${problem}; serving on the CPU because ALLOW_CPU_FALLBACK=true` : `${problem}. ${needs}; ${toCpu}`
}

function visibleGpu (): string | undefined {
  let devices: string[]
  try { devices = readdirSync('/dev') } catch { return undefined }
  const nvidia = devices.filter((d) => /^nvidia\d+$/.test(d)).sort()[0]
  if (nvidia !== undefined) return `/dev/${nvidia}`
  // WSL 2 exposes the GPU to CUDA through this paravirtual device instead.
  return devices.includes('dxg') ? '/dev/dxg' : undefined
}

/** The real probe: onnxruntime-node's install directory and /dev. */
export function probeCuda (): CudaProbe {
  const libraryDir = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch)
  return { libraryDir, providerInstalled: CUDA_LIBRARIES.every((f) => existsSync(join(libraryDir, f))), gpu: visibleGpu() }
}
