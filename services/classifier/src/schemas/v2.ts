import { Type, type Static } from 'typebox'

/** Open Inference Protocol (KServe v2) REST shapes: https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/ */
export const V2ModelParamsSchema = Type.Object({ name: Type.String(), version: Type.Optional(Type.String()) })

const Parameters = Type.Optional(Type.Record(Type.String(), Type.Unknown()))

export const V2TensorSchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer({ minimum: 0 })),
  datatype: Type.String(),
  parameters: Parameters,
  data: Type.Unknown({ description: 'row-major values, flat or nested' })
})

export const V2InferRequestSchema = Type.Object({
  id: Type.Optional(Type.String()),
  parameters: Parameters,
  inputs: Type.Array(V2TensorSchema, { minItems: 1 }),
  outputs: Type.Optional(Type.Array(Type.Object({
    name: Type.String(),
    parameters: Type.Optional(Type.Object({ classification: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: true }))
  })))
})

export type V2InferRequest = Static<typeof V2InferRequestSchema>
export type V2Tensor = Static<typeof V2TensorSchema>

const TensorMetadata = Type.Object({ name: Type.String(), datatype: Type.String(), shape: Type.Array(Type.Integer()) })

export const V2ModelMetadataSchema = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.String()),
  platform: Type.String(),
  inputs: Type.Array(TensorMetadata),
  outputs: Type.Array(TensorMetadata)
})

export const V2ErrorSchema = Type.Object({ error: Type.String() })

export const V2ModelReadySchema = Type.Object({ name: Type.String(), ready: Type.Boolean() })

export const V2InferResponseSchema = Type.Object({
  model_name: Type.String(),
  model_version: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  outputs: Type.Array(Type.Object({
    name: Type.String(),
    datatype: Type.String(),
    shape: Type.Array(Type.Integer()),
    data: Type.Array(Type.Union([Type.Number(), Type.String()]))
  }))
})
