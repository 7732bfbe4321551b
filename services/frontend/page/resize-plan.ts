// What the page sends for a chosen photo: pure decisions, no DOM (tested in vitest).
// A phone photo is shrunk in the browser before upload, so the classifier decodes
// a few hundred thousand pixels instead of twelve million (issue 12, "Send less").

/** What the classifier's `/info` says about the model's input; without it nothing is resized. */
export interface ResizeTarget {
  /** The model's resize size: the classifier scales the short side to this (`preprocessing.resizeShortSide`). */
  resizeShortSide: number
  /** The classifier's MAX_INPUT_PIXELS (`limits.maxInputPixels`), when known. */
  maxInputPixels?: number
}

export interface Size { width: number, height: number }

/**
 * The page sends three times the model's resize size on the short side (768 for 256),
 * as JPEG at quality 0.9: about 110 KB for a 19-megapixel photo, which the classifier
 * decodes in about 5 ms (JPEG shrink-on-load) against 10 ms for the same photo as WebP
 * at twice the size. In Chromium, twice the size moved the large test photos' top-1
 * probability by up to 0.16 and changed one label; three times, by up to 0.06, none.
 */
export const SHORT_SIDE_FACTOR = 3
export const JPEG_QUALITY = 0.9
/** A file this small that needs no downscaling goes as it is: re-encoding would save little. */
export const SMALL_FILE_BYTES = 256 * 1024

/** The formats the classifier accepts (`sharp` names), told apart by their first bytes. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif'

const startsWith = (bytes: Uint8Array, signature: number[], at = 0): boolean =>
  signature.every((b, i) => bytes[at + i] === b)
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0))

/**
 * The format of an encoded image from its first 12 bytes, as the classifier detects it
 * (by content, never by name or type); undefined for anything it would refuse.
 */
export function sniffFormat (head: Uint8Array): ImageFormat | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'webp'
  if (startsWith(head, ascii('GIF8'))) return 'gif'
  if (startsWith(head, ascii('II*\0')) || startsWith(head, ascii('MM\0*'))) return 'tiff'
  // ISO BMFF (`ftyp` box at offset 4): HEIC and AVIF, both "heif" to the classifier.
  if (startsWith(head, ascii('ftyp'), 4)) return 'heif'
  return undefined
}

export type UploadPlan =
  | { kind: 'original', reason: string }
  /** Draw at this size (never larger than the photo) and encode as JPEG. */
  | { kind: 'encode', size: Size, downscaled: boolean }

/**
 * Whether and how to re-encode a decoded photo (`size` after EXIF orientation).
 * The classifier stays the authority on what it accepts: a photo over its pixel
 * limit goes as it is, so its 413 reaches the user exactly as without resizing.
 */
export function planUpload (size: Size, bytes: number, target: ResizeTarget): UploadPlan {
  const { width, height } = size
  if (target.maxInputPixels !== undefined && width * height > target.maxInputPixels) {
    return { kind: 'original', reason: 'over the classifier’s pixel limit' }
  }
  const goal = Math.round(SHORT_SIDE_FACTOR * target.resizeShortSide)
  const shortSide = Math.min(width, height)
  if (shortSide <= goal) {
    if (bytes <= SMALL_FILE_BYTES) return { kind: 'original', reason: 'small enough' }
    return { kind: 'encode', size: { width, height }, downscaled: false }
  }
  return { kind: 'encode', size: scaledSize(size, goal), downscaled: true }
}

/** `size` with its short side scaled to `shortSide`, keeping the aspect ratio (as the classifier rounds). */
export function scaledSize ({ width, height }: Size, shortSide: number): Size {
  if (width <= height) return { width: shortSide, height: Math.max(shortSide, Math.round(height * shortSide / width)) }
  return { width: Math.max(shortSide, Math.round(width * shortSide / height)), height: shortSide }
}

/**
 * Whether the re-encoded photo is the one to send: a downscaled one always (the
 * classifier's decoding cost is what it saves), one at full size only if smaller.
 */
export function sendEncoded (plan: Extract<UploadPlan, { kind: 'encode' }>, originalBytes: number, encodedBytes: number): boolean {
  return plan.downscaled || encodedBytes < originalBytes
}

/** The file name for the re-encoded photo: the same name with a `.jpg` extension. */
export function encodedName (name: string): string {
  const stem = name.replace(/\.[^./\\]*$/, '')
  return `${stem === '' ? 'image' : stem}.jpg`
}
