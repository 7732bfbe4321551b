/**
 * Public sources of the planner's default figures. The plan prints the link
 * next to every figure that is not measured on the user's own machine.
 */
export const SOURCES = {
  t4Datasheet: 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/t4-tensor-core-datasheet-951643.pdf',
  resnet50OnT4: 'https://github.com/NVIDIA/DeepLearningExamples/tree/master/PyTorch/Classification/ConvNets/resnet50v1.5#inference-performance-nvidia-t4',
  g4dnInstance: 'https://aws.amazon.com/ec2/instance-types/g4/',
  ec2Pricing: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  c6iInstance: 'https://aws.amazon.com/ec2/instance-types/c6i/',
  ortCudaRequirements: 'https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html#requirements',
  ortTensorRt: 'https://onnxruntime.ai/docs/execution-providers/TensorRT-ExecutionProvider.html'
} as const
