import { once } from 'node:events'
import type { Writable } from 'node:stream'

// The protobuf wire format of the few onnx.proto messages a plain
// convolutional graph needs (field numbers from onnx/onnx.proto3), written
// by hand: no schema compiler, and a 100 MB model streams out in pieces.

/** An encoded message: its parts in order and their total length in bytes. */
export interface Message { parts: Array<Buffer | Message>, length: number }

const WIRE_VARINT = 0
const WIRE_LEN = 2
const WIRE_FIXED32 = 5

function varint (value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint ${value} is not a non-negative safe integer`)
  const bytes: number[] = []
  let v = value
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  bytes.push(v)
  return Buffer.from(bytes)
}

const key = (field: number, wire: number): Buffer => varint(field * 8 + wire)

type Field = [number, 'int', number] | [number, 'float', number] | [number, 'string', string] |
  [number, 'bytes', Buffer] | [number, 'message', Message]

/** Encodes fields in the order given; repeated fields are simply given several times. */
export function message (fields: Field[]): Message {
  const parts: Array<Buffer | Message> = []
  for (const [field, kind, value] of fields) {
    if (kind === 'int') parts.push(key(field, WIRE_VARINT), varint(value))
    else if (kind === 'float') {
      const b = Buffer.alloc(4)
      b.writeFloatLE(value)
      parts.push(key(field, WIRE_FIXED32), b)
    } else {
      const body = kind === 'string' ? Buffer.from(value, 'utf8') : value
      parts.push(key(field, WIRE_LEN), varint(body.length), body)
    }
  }
  return { parts, length: parts.reduce((n, p) => n + p.length, 0) }
}

/** Writes a message to a stream, respecting backpressure; resolves once every part is handed over. */
export async function writeMessage (msg: Message, out: Writable): Promise<void> {
  for (const part of msg.parts) {
    if (Buffer.isBuffer(part)) {
      if (!out.write(part)) await once(out, 'drain')
    } else {
      await writeMessage(part, out)
    }
  }
}

// onnx.proto enums
export const FLOAT = 1
const ATTR_FLOAT = 1
const ATTR_INT = 2
const ATTR_INTS = 7

export type Attribute = number | number[]

function attribute (name: string, value: Attribute): Message {
  if (Array.isArray(value)) return message([[1, 'string', name], [20, 'int', ATTR_INTS], ...value.map((v): Field => [8, 'int', v])])
  if (Number.isInteger(value)) return message([[1, 'string', name], [20, 'int', ATTR_INT], [3, 'int', value]])
  return message([[1, 'string', name], [20, 'int', ATTR_FLOAT], [2, 'float', value]])
}

/** NodeProto: one operator. */
export function node (opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, Attribute> = {}): Message {
  return message([
    ...inputs.map((i): Field => [1, 'string', i]),
    ...outputs.map((o): Field => [2, 'string', o]),
    [3, 'string', name],
    [4, 'string', opType],
    ...Object.entries(attrs).map(([n, v]): Field => [5, 'message', attribute(n, v)])
  ])
}

/** TensorProto with float32 raw data (little-endian, as ONNX specifies and as x64 and arm64 hold it). */
export function floatTensor (name: string, dims: number[], data: Float32Array): Message {
  const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return message([...dims.map((d): Field => [1, 'int', d]), [2, 'int', FLOAT], [8, 'string', name], [9, 'bytes', raw]])
}

/** ValueInfoProto for a float tensor; a string dimension is symbolic (e.g. the batch "N"). */
export function floatValueInfo (name: string, shape: Array<number | string>): Message {
  const dims = shape.map((d): Field => [1, 'message', message([typeof d === 'string' ? [2, 'string', d] : [1, 'int', d]])])
  const tensorType = message([[1, 'int', FLOAT], [2, 'message', message(dims)]])
  return message([[1, 'string', name], [2, 'message', message([[1, 'message', tensorType]])]])
}

export interface GraphParts {
  name: string
  nodes: Message[]
  initializers: Message[]
  inputs: Message[]
  outputs: Message[]
}

export interface ModelParts {
  irVersion: number
  opset: number
  producer: string
  docString: string
  graph: GraphParts
}

/** ModelProto around a GraphProto, default-domain opset only. */
export function model (m: ModelParts): Message {
  const graph = message([
    ...m.graph.nodes.map((n): Field => [1, 'message', n]),
    [2, 'string', m.graph.name],
    ...m.graph.initializers.map((t): Field => [5, 'message', t]),
    ...m.graph.inputs.map((v): Field => [11, 'message', v]),
    ...m.graph.outputs.map((v): Field => [12, 'message', v])
  ])
  return message([
    [1, 'int', m.irVersion],
    [2, 'string', m.producer],
    [6, 'string', m.docString],
    [7, 'message', graph],
    [8, 'message', message([[1, 'string', ''], [2, 'int', m.opset]])]
  ])
}
