import sharp from 'sharp'

/** Normalized-tensor difference equal to `levels` 8-bit grey levels (for the smallest ImageNet std). */
export const greyLevels = (levels: number): number => levels / 255 / 0.224

/** Antialiased bilinear (triangle filter widened by the scale factor) weights, as PIL's BILINEAR computes them. */
function triangleWeights (inSize: number, outSize: number): Array<Array<[number, number]>> {
  const scale = inSize / outSize
  const support = Math.max(scale, 1)
  return Array.from({ length: outSize }, (_, x) => {
    const center = (x + 0.5) * scale
    const taps: Array<[number, number]> = []
    let sum = 0
    for (let j = Math.max(0, Math.floor(center - support)); j <= Math.min(inSize - 1, Math.ceil(center + support)); j++) {
      const t = Math.max(0, 1 - Math.abs((j + 0.5 - center) / support))
      if (t > 0) { taps.push([j, t]); sum += t }
    }
    return taps.map(([j, t]) => [j, t / sum])
  })
}

/**
 * A tensor computed without sharp's resize: the full-size decoded RGB pixels,
 * resized (short side 256) with a plain-JS separable triangle filter, centre
 * crop 224, then `(v / 255 - mean) / std`, CHW.
 */
export async function plainJsTensor (image: Buffer): Promise<Float64Array> {
  const { data, info } = await sharp(image).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  const { width: W, height: H } = info
  const short = Math.min(W, H)
  const rw = Math.round(W * 256 / short)
  const rh = Math.round(H * 256 / short)
  const wx = triangleWeights(W, rw)
  const wy = triangleWeights(H, rh)
  const rows = new Float64Array(H * rw * 3)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < rw; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0
        for (const [j, t] of wx[x]!) s += data[(y * W + j) * 3 + c]! * t
        rows[(y * rw + x) * 3 + c] = s
      }
    }
  }
  const left = Math.floor((rw - 224) / 2)
  const top = Math.floor((rh - 224) / 2)
  const mean = [0.485, 0.456, 0.406]
  const std = [0.229, 0.224, 0.225]
  const out = new Float64Array(3 * 224 * 224)
  for (let y = 0; y < 224; y++) {
    for (let x = 0; x < 224; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0
        for (const [j, t] of wy[top + y]!) s += rows[(j * rw + left + x) * 3 + c]! * t
        out[c * 224 * 224 + y * 224 + x] = (Math.round(s) / 255 - mean[c]!) / std[c]!
      }
    }
  }
  return out
}
