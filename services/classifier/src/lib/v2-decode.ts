/**
 * Decoding of a KServe v2 infer body, apart from HTTP so it can run in a worker thread
 * (http/v2-body.ts): JSON.parse, then each input's `data` to compact form. FP32 values become one
 * Float32Array, BYTES elements (base64 images) Uint8Arrays. Nested `data` is walked with an
 * explicit stack, never recursion, and may be no deeper than the input's shape: a body nested a
 * million levels deep is a 400, not a stack overflow.
 */

/** A body the decoder refuses: a 400 with this message. */
export class V2BodyError extends Error {}

/**
 * Deepest nesting of arrays and objects a body may have. A tensor's data needs its rank plus a
 * few levels around it; JSON.parse itself copes with any depth, but handing a deep result to
 * another thread or walking it recursively overflows the stack.
 */
export const MAX_JSON_DEPTH = 64

/** What a decoded input's `data` holds, by datatype; other datatypes keep their JSON value (and are refused later). */
export type DecodedData = Float32Array | Uint8Array[] | unknown

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

interface RawInput { name?: unknown, shape?: unknown, datatype?: unknown, data?: unknown }

/** Calls `visit` with every leaf of `data`, an array nested at most `maxDepth` levels. */
function walk (data: unknown, maxDepth: number, what: string, visit: (value: unknown) => void): void {
  if (!Array.isArray(data)) throw new V2BodyError(`${what}: "data" must be an array`)
  const arrays: unknown[][] = [data]
  const next: number[] = [0]
  while (arrays.length > 0) {
    const top = arrays.length - 1
    const array = arrays[top]!
    const i = next[top]!
    if (i === array.length) {
      arrays.pop()
      next.pop()
      continue
    }
    next[top] = i + 1
    const value = array[i]
    if (!Array.isArray(value)) {
      visit(value)
      continue
    }
    if (arrays.length >= maxDepth) throw new V2BodyError(`${what}: "data" is nested deeper than its shape has dimensions (${maxDepth})`)
    arrays.push(value)
    next.push(0)
  }
}

/** The number of elements a shape names, or undefined when it is not a list of whole numbers. */
function elements (shape: unknown): number | undefined {
  if (!Array.isArray(shape) || shape.length === 0) return undefined
  let n = 1
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || (d as number) < 0) return undefined
    n *= d as number
  }
  return n
}

function decodeFp32 (input: RawInput, what: string, maxValues: number): Float32Array {
  const shape = input.shape as number[]
  const needed = elements(shape) ?? 0
  // Sized by the shape, but never past what the body could hold: the shape is the client's word.
  const values = new Float32Array(Math.min(needed, maxValues))
  let count = 0
  walk(input.data, Math.max(1, shape.length), what, (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new V2BodyError(`${what} value ${count} is not a finite number`)
    if (count < values.length) values[count] = v
    count++
  })
  if (count !== needed) throw new V2BodyError(`${what} has ${count} values; shape [${shape.join(',')}] needs ${needed}`)
  return values
}

function decodeBytes (input: RawInput, what: string): Uint8Array[] {
  const images: Uint8Array[] = []
  walk(input.data, Math.max(1, (input.shape as unknown[]).length), what, (v) => {
    if (typeof v !== 'string' || !BASE64.test(v)) throw new V2BodyError(`${what} element ${images.length} is not a base64 string`)
    images.push(Buffer.from(v, 'base64'))
  })
  return images
}

/** Whether JSON text nests arrays and objects deeper than `limit` (brackets inside strings do not count). */
function nestedDeeperThan (text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // a backslash escapes the next character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return false
}

/**
 * Parses an infer body. Inputs that do not look like tensors are left for the route's schema to
 * name; `transfer` lists the buffers a worker can hand over without copying.
 */
export function decodeInferBody (text: string): { body: unknown, transfer: ArrayBuffer[] } {
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) throw new V2BodyError(`the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (err) {
    throw new V2BodyError(`the body is not valid JSON: ${(err as Error).message}`)
  }
  const transfer: ArrayBuffer[] = []
  const inputs = (body as { inputs?: unknown } | null)?.inputs
  if (!Array.isArray(inputs)) return { body, transfer }
  // Every value takes at least two characters ("0,"): a bound on what a shape can make us allocate.
  const maxValues = Math.ceil(text.length / 2)
  for (const input of inputs as RawInput[]) {
    if (typeof input !== 'object' || input === null || !Array.isArray(input.shape)) continue
    const what = `input "${String(input.name)}"`
    if (input.datatype === 'FP32') {
      const values = decodeFp32(input, what, maxValues)
      transfer.push(values.buffer as ArrayBuffer)
      input.data = values
    } else if (input.datatype === 'BYTES') {
      input.data = decodeBytes(input, what)
    }
  }
  return { body, transfer }
}
