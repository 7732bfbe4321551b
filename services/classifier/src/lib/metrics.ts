import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * The classifier's Prometheus metrics. The names are a contract with the dashboards: do not rename.
 * (classifier_rejected_requests_total is the kit's: it counts every answer of the error table.)
 */
export function createClassifierMetrics (registry: Registry) {
  const registers = [registry]
  return {
    queueWait: new Histogram({ name: 'classifier_queue_wait_seconds', help: 'Time an image waited in the batch queue before its batch started.', buckets: SECONDS, registers }),
    batchSize: new Histogram({ name: 'classifier_batch_size', help: 'Images per inference run (mean = sum / count).', buckets: [1, 2, 4, 8, 16, 32], registers }),
    inference: new Histogram({ name: 'classifier_inference_duration_seconds', help: 'onnxruntime run time per batch.', buckets: SECONDS, registers }),
    preprocess: new Histogram({ name: 'classifier_preprocess_duration_seconds', help: 'Decode, resize, crop and normalize time per image.', buckets: SECONDS, registers }),
    queueDepth: new Gauge({ name: 'classifier_queue_depth', help: 'Images waiting in the batch queue.', registers }),
    modelLoad: new Gauge({ name: 'classifier_model_load_seconds', help: 'Time to open the model session(s).', registers }),
    modelInfo: new Gauge({ name: 'classifier_model_info', help: 'The model served (always 1).', labelNames: ['model', 'sha256_prefix', 'execution_provider'] as const, registers }),
    images: new Counter({ name: 'classifier_images_total', help: 'Images classified.', registers }),
    decodeWait: new Histogram({ name: 'classifier_decode_wait_seconds', help: 'Time an image waited for a decode slot (MAX_DECODES, MAX_DECODE_PIXELS) after its header was read.', buckets: SECONDS, registers }),
    dropped: new Counter({ name: 'classifier_dropped_images_total', help: 'Images whose client went away before their answer, by where: waiting for a decode, in the batch queue (neither computed), or in a running batch (its row discarded).', labelNames: ['stage'] as const, registers }),
    failedBatches: new Counter({ name: 'classifier_failed_batches_total', help: 'Inference batches that failed (answered 503), by cause: the worker died, or the run threw (a CUDA error, say).', labelNames: ['cause'] as const, registers }),
    workerRestarts: new Counter({ name: 'classifier_worker_restarts_total', help: 'Inference workers that died and were replaced (the new one warmed up before it takes batches).', registers })
  }
}

export type ClassifierMetrics = ReturnType<typeof createClassifierMetrics>
