import type { Writable } from 'node:stream'
import { floatTensor, floatValueInfo, model, node, writeMessage, type Attribute, type Message } from './onnx-writer.js'

/**
 * ResNet-50 v1.5 with random weights: the real network's layers, 25.5M
 * parameters (about 102 MB) and FLOPs, for speed, memory and capacity
 * measurements only; its predictions mean nothing. Batch norms are folded
 * into the convolutions, as an inference runtime does.
 * Input `data` float32 [N, 3, 224, 224], output `logits` float32 [N, 1000].
 */
export const SYNTHETIC_RESNET50 = { inputName: 'data', outputName: 'logits', classes: 1000 } as const

// (width, blocks, stride of the first block) per stage, as in the paper.
const STAGES: Array<[number, number, number]> = [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]]
const SEED = 50

/**
 * xorshift32: a fixed seed gives the same weights on every machine. Weights are
 * uniform with the variance of He initialisation; only +, *, / and sqrt are
 * used, which IEEE 754 rounds the same everywhere, so the file is byte-identical.
 */
function uniformSource (seed: number): (bound: number) => number {
  let x = seed >>> 0 || 1
  return (bound) => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return ((x / 0x1_0000_0000) * 2 - 1) * bound
  }
}

class Builder {
  readonly nodes: Message[] = []
  readonly initializers: Message[] = []
  params = 0
  #count = 0
  readonly #uniform = uniformSource(SEED)

  name (prefix: string): string {
    return `${prefix}${++this.#count}`
  }

  weights (dims: number[], fanIn: number, gain: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1))
    const bound = gain * Math.sqrt(6 / fanIn)
    for (let i = 0; i < data.length; i++) data[i] = this.#uniform(bound)
    return this.tensor(this.name('w'), dims, data)
  }

  tensor (name: string, dims: number[], data: Float32Array): string {
    this.initializers.push(floatTensor(name, dims, data))
    this.params += data.length
    return name
  }

  op (type: string, inputs: string[], attrs: Record<string, Attribute> = {}, output = this.name(type.toLowerCase())): string {
    this.nodes.push(node(type, inputs, [output], output, attrs))
    return output
  }

  conv (x: string, cin: number, cout: number, k: number, { stride = 1, gain = 1, relu = true } = {}): string {
    const w = this.weights([cout, cin, k, k], cin * k * k, gain)
    const b = this.tensor(this.name('b'), [cout], new Float32Array(cout))
    const pad = k >> 1
    const y = this.op('Conv', [x, w, b], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] })
    return relu ? this.op('Relu', [y]) : y
  }

  bottleneck (x: string, cin: number, width: number, stride: number): string {
    const cout = width * 4
    let y = this.conv(x, cin, width, 1)
    y = this.conv(y, width, width, 3, { stride }) // v1.5: the stride sits on the 3x3
    // A small gain on each block's last conv keeps activations bounded through 16 residual adds.
    y = this.conv(y, width, cout, 1, { gain: 0.2, relu: false })
    const shortcut = stride === 1 && cin === cout ? x : this.conv(x, cin, cout, 1, { stride, relu: false })
    return this.op('Relu', [this.op('Add', [y, shortcut])])
  }
}

/** Builds the model; `params` is the number of weights (25,530,472). */
export function buildSyntheticResnet50 (): { message: Message, params: number } {
  const g = new Builder()
  const { inputName, outputName, classes } = SYNTHETIC_RESNET50
  let x = g.conv(inputName, 3, 64, 7, { stride: 2 })
  x = g.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] })
  let cin = 64
  for (const [width, blocks, stride] of STAGES) {
    for (let i = 0; i < blocks; i++) {
      x = g.bottleneck(x, cin, width, i === 0 ? stride : 1)
      cin = width * 4
    }
  }
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: 1 })
  const fc = g.op('MatMul', [flat, g.weights([cin, classes], cin, Math.SQRT1_2)])
  g.op('Add', [fc, g.tensor('fc_b', [classes], new Float32Array(classes))], {}, outputName)
  const message = model({
    irVersion: 7,
    opset: 13,
    producer: 'inference-stack synthetic-resnet50',
    docString: 'ResNet-50 v1.5 topology with random weights: for benchmarks only.',
    graph: {
      name: 'resnet50_synthetic',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [floatValueInfo(inputName, ['N', 3, 224, 224])],
      outputs: [floatValueInfo(outputName, ['N', classes])]
    }
  })
  return { message, params: g.params }
}

/** Writes the model to a stream (a file, or a hash in tests); resolves with its size and parameter count. */
export async function writeSyntheticResnet50 (out: Writable): Promise<{ bytes: number, params: number }> {
  const { message, params } = buildSyntheticResnet50()
  await writeMessage(message, out)
  return { bytes: message.length, params }
}
