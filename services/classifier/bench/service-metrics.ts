/** Histogram sums and counts from the classifier's /metrics (unlabelled series only). */
export async function scrape (url: string): Promise<Map<string, number>> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text(), () => '')
  const values = new Map<string, number>()
  for (const m of text.matchAll(/^(classifier_\w+_(?:sum|count))(?:\{[^}]*\})? (\S+)$/gm)) values.set(m[1]!, Number(m[2]))
  return values
}

/** What the service did between two scrapes: means per image or batch. */
export interface ServiceProfile {
  meanBatchSize: number
  /** Mean decode + resize + normalize time per image, ms. */
  preprocessMs: number
  /** Mean onnxruntime run time per batch, ms. */
  inferenceMs: number
  /** Mean time an image waited for its batch to start, ms. */
  queueWaitMs: number
}

export function profile (before: Map<string, number>, after: Map<string, number>): ServiceProfile | undefined {
  const mean = (name: string): number => {
    const d = (k: string): number => (after.get(k) ?? NaN) - (before.get(k) ?? 0)
    return d(`${name}_sum`) / d(`${name}_count`)
  }
  const p = {
    meanBatchSize: mean('classifier_batch_size'),
    preprocessMs: mean('classifier_preprocess_duration_seconds') * 1000,
    inferenceMs: mean('classifier_inference_duration_seconds') * 1000,
    queueWaitMs: mean('classifier_queue_wait_seconds') * 1000
  }
  return Object.values(p).some(Number.isFinite) ? p : undefined
}

export function describe (p: ServiceProfile): string {
  return `mean batch ${p.meanBatchSize.toFixed(2)}, preprocess ${p.preprocessMs.toFixed(1)} ms/image, ` +
    `inference ${p.inferenceMs.toFixed(1)} ms/batch, queue wait ${p.queueWaitMs.toFixed(1)} ms`
}
