import { cudaFailure, ProviderError, type ProviderPlan } from './provider.js'
import { openSessionPool, sessionInfo, type SessionPool, type SessionPoolOptions } from './session.js'
import type { ExecutionProvider, SessionInfo } from './session-protocol.js'

export interface OpenedSessions {
  pool: SessionPool
  /** What the sessions said when they opened: input and output names, load time. */
  info: SessionInfo
  provider: ExecutionProvider
  /** Why this provider, when it is worth a log line (and `/info`). */
  note?: string
  level: 'info' | 'warn'
}

/**
 * Opens `workers` sessions with the planned provider. CUDA that cannot start is a
 * ProviderError, unless the plan allows the CPU (ALLOW_CPU_FALLBACK=true): then CPU
 * sessions, with a warning to log.
 */
export async function openSessions (plan: ProviderPlan, opts: Omit<SessionPoolOptions, 'executionProvider'>): Promise<OpenedSessions> {
  const open = async (provider: ExecutionProvider): Promise<{ pool: SessionPool, info: SessionInfo }> => {
    const pool = await openSessionPool({ ...opts, executionProvider: provider })
    return { pool, info: sessionInfo(pool) }
  }
  if (plan.provider === 'cpu') return { ...await open('cpu'), provider: 'cpu', note: plan.note, level: plan.level ?? 'info' }
  try {
    return { ...await open('cuda'), provider: 'cuda', level: 'info' }
  } catch (err) {
    if (!plan.cpuFallback) throw new ProviderError(cudaFailure(plan, err), { cause: err })
    return { ...await open('cpu'), provider: 'cpu', note: cudaFailure(plan, err), level: 'warn' }
  }
}
