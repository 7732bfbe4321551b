/** How an image becomes the model's input tensor. */
export interface Preprocessing {
  /** Resize so the shorter side has this many pixels, keeping the aspect ratio. */
  resizeShortSide: number
  /** Then take the centred square crop of this side. */
  crop: number
  mean: [number, number, number]
  std: [number, number, number]
  /** Multiplies 8-bit pixel values before normalising: 1/255. */
  scale: number
  layout: 'NCHW'
  channelOrder: 'RGB'
  interpolation: 'bilinear'
}

/** A downloadable file with a known size and SHA-256. */
export interface Artifact {
  file: string
  url: string
  sha256: string
  bytes: number
}

/** A label list: JSON array of `count` names in class-index order. */
export interface LabelSource extends Artifact {
  count: number
}

interface EntryCommon {
  /** The catalog key, e.g. `resnet50-v1-12`. */
  name: string
  /** File name looked up in MODELS_DIR and the cache directory. */
  file: string
  inputName: string
  outputName: string
  inputShape: [number | 'N', 3, 224, 224]
  outputKind: 'logits' | 'probabilities'
  preprocessing: Preprocessing
  labels: 'imagenet-labels'
  description: string
  precision: 'fp32' | 'int8'
  recommendedFor: 'gpu' | 'cpu' | 'any'
}

/** A published model: fetched from `url` and checked against `sha256`. */
export interface DownloadableEntry extends EntryCommon {
  synthetic?: false
  url: string
  sha256: string
  bytes: number
}

/** A model generated locally (random weights, benchmarks only): no URL, no checksum. */
export interface SyntheticEntry extends EntryCommon {
  synthetic: true
  /** The built-in generator that writes it (`generateModel`, `npm run models:fetch <name>`). */
  generator: string
  url?: undefined
  sha256?: undefined
  bytes?: undefined
}

export type CatalogEntry = DownloadableEntry | SyntheticEntry

/** A model found on disk, checked, with its labels loaded. */
export interface ResolvedModel {
  entry: CatalogEntry
  /** Absolute path of the .onnx file. */
  path: string
  /** SHA-256 of the file as found (equals `entry.sha256` when verified). */
  sha256: string
  labels: string[]
}

/** The error for every model lookup, checksum and download failure; its message says what to do. */
export class ModelError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ModelError'
  }
}

/** A download that did not complete (unreachable host, HTTP error, cut connection): `reason` says why, briefly. */
export class DownloadError extends ModelError {
  constructor (readonly url: string, readonly reason: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DownloadError'
  }
}
