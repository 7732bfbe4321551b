import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openSessions } from '../src/lib/open-sessions.js'
import { planProvider, probeCuda, ProviderError, type CudaProbe } from '../src/lib/provider.js'
import { MODELS_DIR } from './model.js'

const LIB = '/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64'
const probe = (providerInstalled: boolean, gpu?: string): CudaProbe => ({ libraryDir: LIB, providerInstalled, gpu })
const GPU = '/dev/nvidia0'

describe('planProvider: which execution provider serves', () => {
  it.each([
    ['cpu', probe(true, GPU), false],
    ['cpu', probe(false), false]
  ] as const)('EXECUTION_PROVIDER=%s serves on the CPU whatever the host has', (requested, host, allow) => {
    expect(planProvider(requested, host, allow)).toEqual({ provider: 'cpu' })
  })

  it('EXECUTION_PROVIDER=cuda tries CUDA, never the CPU, when the CUDA provider is installed', () => {
    expect(planProvider('cuda', probe(true, GPU), true)).toEqual({ provider: 'cuda', requested: 'cuda', gpu: GPU, cpuFallback: false })
    expect(planProvider('cuda', probe(true), false)).toMatchObject({ provider: 'cuda', cpuFallback: false })
  })

  it('EXECUTION_PROVIDER=cuda refuses to start when onnxruntime-node has no CUDA provider, saying how to get it', () => {
    expect(() => planProvider('cuda', probe(false, GPU), true)).toThrow(ProviderError)
    expect(() => planProvider('cuda', probe(false, GPU), true)).toThrow(
      `EXECUTION_PROVIDER=cuda, but onnxruntime-node was installed without its CUDA provider (no libonnxruntime_providers_cuda.so in ${LIB}): ` +
      'reinstall it on this host with internet access (npm ci, without ONNXRUNTIME_NODE_INSTALL=skip), or use the GPU image (Dockerfile.gpu)')
  })

  it.each([true, false])('auto without a visible GPU serves on the CPU with one info line, never asking CUDA (provider installed: %s)', (installed) => {
    expect(planProvider('auto', probe(installed), false)).toEqual({
      provider: 'cpu', level: 'info', note: 'EXECUTION_PROVIDER=auto: no NVIDIA GPU is visible to this process (no /dev/nvidia0), so the CPU serves'
    })
  })

  it('auto with a visible GPU tries CUDA, and may fall back to the CPU only with ALLOW_CPU_FALLBACK=true', () => {
    expect(planProvider('auto', probe(true, GPU), false)).toEqual({ provider: 'cuda', requested: 'auto', gpu: GPU, cpuFallback: false })
    expect(planProvider('auto', probe(true, GPU), true)).toEqual({ provider: 'cuda', requested: 'auto', gpu: GPU, cpuFallback: true })
  })

  it('auto with a visible GPU but no CUDA provider refuses to start unless ALLOW_CPU_FALLBACK=true', () => {
    expect(() => planProvider('auto', probe(false, GPU), false)).toThrow(
      /^EXECUTION_PROVIDER=auto: an NVIDIA GPU is visible \(\/dev\/nvidia0\), but onnxruntime-node was installed without its CUDA provider .*; to serve on the CPU anyway, set ALLOW_CPU_FALLBACK=true \(or EXECUTION_PROVIDER=cpu\)$/)
    const plan = planProvider('auto', probe(false, GPU), true)
    expect(plan).toMatchObject({ provider: 'cpu', level: 'warn' })
    expect(plan.provider === 'cpu' && plan.note).toMatch(/serving on the CPU because ALLOW_CPU_FALLBACK=true$/)
  })
})

describe('probeCuda on this host', () => {
  it('looks in onnxruntime-node\'s native directory and reports what is there', () => {
    const found = probeCuda()
    expect(found.libraryDir).toMatch(new RegExp(`onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}$`))
    expect(existsSync(join(found.libraryDir, 'onnxruntime_binding.node'))).toBe(true)
    expect(found.providerInstalled).toBe(existsSync(join(found.libraryDir, 'libonnxruntime_providers_cuda.so')))
    expect(found.gpu === undefined || found.gpu.startsWith('/dev/')).toBe(true)
  })
})

describe('openSessions with the real onnxruntime', () => {
  const modelPath = join(MODELS_DIR, 'mobilenetv2-12-int8.onnx')
  const opts = { modelPath, workers: 1, intraOpThreads: 1 }
  const host = probeCuda()
  const cudaWorks = host.providerInstalled && host.gpu !== undefined

  it('opens CPU sessions for a CPU plan and passes its note on', async () => {
    const opened = await openSessions({ provider: 'cpu', note: 'why', level: 'info' }, opts)
    onTestFinished(async () => { await opened.pool.close() })
    expect(opened).toMatchObject({ provider: 'cpu', note: 'why', level: 'info' })
    expect(opened.info.provider).toBe('cpu')
  })

  it.skipIf(cudaWorks)('falls back to CPU sessions with a warning when CUDA fails and ALLOW_CPU_FALLBACK=true', async () => {
    const opened = await openSessions({ provider: 'cuda', requested: 'auto', gpu: GPU, cpuFallback: true }, opts)
    onTestFinished(async () => { await opened.pool.close() })
    expect(opened.provider).toBe('cpu')
    expect(opened.level).toBe('warn')
    expect(opened.note).toMatch(/^EXECUTION_PROVIDER=auto: an NVIDIA GPU is visible \(\/dev\/nvidia0\), but CUDA could not start: .+; serving on the CPU because ALLOW_CPU_FALLBACK=true$/)
  })

  it.skipIf(cudaWorks)('refuses with a ProviderError naming what CUDA needs when CUDA fails without ALLOW_CPU_FALLBACK', async () => {
    const error = await openSessions({ provider: 'cuda', requested: 'auto', gpu: GPU, cpuFallback: false }, opts).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ProviderError)
    expect((error as Error).message).toMatch(/but CUDA could not start: .+\. It needs the NVIDIA driver, CUDA 12 and cuDNN 9 .*; to serve on the CPU anyway, set ALLOW_CPU_FALLBACK=true/)
  })
})
