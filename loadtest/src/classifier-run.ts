import type { ClassifierRun } from './result.js'

/**
 * Asks the classifier what it served (GET /info, or /api/classifier/info
 * through the frontend): the model and the execution provider its session
 * really uses. Undefined when it cannot say (not reached, or not a classifier).
 */
export async function classifierRun (url: string, viaFrontend: boolean): Promise<ClassifierRun | undefined> {
  const infoUrl = new URL(viaFrontend ? '/api/classifier/info' : '/info', url)
  try {
    const res = await fetch(infoUrl, { signal: AbortSignal.timeout(5000) })
    if (!res.ok) return undefined
    const info = await res.json() as { model?: unknown, executionProvider?: unknown }
    if (typeof info.model !== 'string' || (info.executionProvider !== 'cuda' && info.executionProvider !== 'cpu')) return undefined
    return { model: info.model, provider: info.executionProvider }
  } catch {
    return undefined
  }
}
