import { cudaFailure, ProviderError, type ProviderPlan } from './provider.js'
import { ModelSession } from './session.js'
import type { ExecutionProvider } from './session-protocol.js'

export interface OpenedSessions {
  sessions: ModelSession[]
  provider: ExecutionProvider
  /** Why this provider, when it is worth a log line (and `/info`). */
  note?: string
  level: 'info' | 'warn'
}

async function openAll (modelPath: string, provider: ExecutionProvider, workers: number, intraOpThreads: number): Promise<ModelSession[]> {
  const settled = await Promise.allSettled(Array.from({ length: workers }, async () =>
    await ModelSession.create({ modelPath, executionProvider: provider, intraOpThreads })))
  const sessions = settled.flatMap((s) => s.status === 'fulfilled' ? [s.value] : [])
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed === undefined) return sessions
  await Promise.all(sessions.map(async (s) => await s.close()))
  throw failed.reason
}

/**
 * Opens `workers` sessions with the planned provider. CUDA that cannot start is a
 * ProviderError, unless the plan allows the CPU (ALLOW_CPU_FALLBACK=true): then CPU
 * sessions, with a warning to log.
 */
export async function openSessions (plan: ProviderPlan, opts: { modelPath: string, workers: number, intraOpThreads: number }): Promise<OpenedSessions> {
  const open = async (provider: ExecutionProvider): Promise<ModelSession[]> => await openAll(opts.modelPath, provider, opts.workers, opts.intraOpThreads)
  if (plan.provider === 'cpu') return { sessions: await open('cpu'), provider: 'cpu', note: plan.note, level: plan.level ?? 'info' }
  try {
    return { sessions: await open('cuda'), provider: 'cuda', level: 'info' }
  } catch (err) {
    if (!plan.cpuFallback) throw new ProviderError(cudaFailure(plan, err), { cause: err })
    return { sessions: await open('cpu'), provider: 'cpu', note: cudaFailure(plan, err), level: 'warn' }
  }
}
