import { encodedName, JPEG_QUALITY, planUpload, sendEncoded, sniffFormat, type ResizeTarget, type Size, type UploadPlan } from './resize-plan.js'

/** What goes to `/api/classify` for a chosen file, and what the page did to it. */
export interface PreparedUpload {
  body: Blob
  name: string
  originalBytes: number
  /** Set when the page sent a re-encoded copy. */
  resized?: { from: Size, to: Size }
  /** Why the file went as it is, when it did. */
  asIs?: string
  /** Time spent in the page deciding, decoding and encoding. */
  ms: number
}

/**
 * Decodes the photo in the browser (EXIF orientation applied) and, where the plan
 * says so, sends a JPEG with the short side at three times the model's resize size,
 * alpha flattened onto white as the classifier does. Anything the browser cannot
 * decode (TIFF or HEIC in Chromium, broken files) goes as it is, and the classifier
 * answers for it. Never throws: a failure here means sending the original.
 */
export async function prepareUpload (file: File, target: ResizeTarget | undefined): Promise<PreparedUpload> {
  const started = performance.now()
  const asIs = (reason: string): PreparedUpload =>
    ({ body: file, name: file.name, originalBytes: file.size, asIs: reason, ms: performance.now() - started })
  if (target === undefined) return asIs('the model’s input size is not known')
  try {
    const format = sniffFormat(new Uint8Array(await file.slice(0, 12).arrayBuffer()))
    if (format === undefined) return asIs('not an image format the classifier reads')
    let bitmap: ImageBitmap
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
    } catch {
      return asIs(`this browser cannot decode ${format.toUpperCase()}`)
    }
    try {
      const from = { width: bitmap.width, height: bitmap.height }
      const plan = planUpload(from, file.size, target)
      if (plan.kind === 'original') return asIs(plan.reason)
      const body = await encode(bitmap, plan)
      if (body === null) return asIs('this browser cannot encode JPEG')
      if (!sendEncoded(plan, file.size, body.size)) return asIs('re-encoding would not make it smaller')
      return { body, name: encodedName(file.name), originalBytes: file.size, resized: { from, to: plan.size }, ms: performance.now() - started }
    } finally {
      bitmap.close()
    }
  } catch (err) {
    return asIs(`resizing failed: ${String(err)}`)
  }
}

/** Draws the bitmap onto white at the planned size and encodes it as JPEG; null if the browser cannot. */
async function encode (bitmap: ImageBitmap, plan: Extract<UploadPlan, { kind: 'encode' }>): Promise<Blob | null> {
  const { width, height } = plan.size
  // OffscreenCanvas where there is one (Safari has it from 16.4), else a detached <canvas>.
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height })
  const context = canvas.getContext('2d', { alpha: false }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null
  if (context === null) return null
  // Transparent pixels become white, as the classifier's flatten() makes them.
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, width, height)
  // 'high' averages over the source pixels (mipmaps in Chromium) instead of sampling a few.
  context.imageSmoothingEnabled = true
  context.imageSmoothingQuality = 'high'
  context.drawImage(bitmap, 0, 0, width, height)
  if (canvas instanceof HTMLCanvasElement) {
    return await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY))
  }
  return await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY })
}
