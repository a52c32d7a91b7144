/**
 * The messages of `protocol/open_inference_grpc.proto` as @grpc/proto-loader delivers them with `LOADER_OPTIONS`:
 * snake_case names, int64 as numbers, repeated fields always arrays, and `parameter_choice` naming a parameter's
 * set value. Only what the server reads or writes is typed.
 */

/** How the proto is loaded: the field names of the proto, numbers for int64, arrays and maps always present. */
export const LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: true,
} as const;

export interface InferParameterMessage {
  parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
}

export type ParameterMap = Record<string, InferParameterMessage>;

export interface InferTensorContentsMessage {
  bool_contents: boolean[];
  int_contents: number[];
  int64_contents: number[];
  uint_contents: number[];
  uint64_contents: number[];
  fp32_contents: number[];
  fp64_contents: number[];
  bytes_contents: Buffer[];
}

export interface InferInputTensorMessage {
  name?: string;
  datatype?: string;
  shape: number[];
  parameters: ParameterMap;
  contents?: InferTensorContentsMessage;
}

export interface ModelInferRequestMessage {
  model_name?: string;
  model_version?: string;
  id?: string;
  parameters: ParameterMap;
  inputs: InferInputTensorMessage[];
  outputs: { name?: string; parameters: ParameterMap }[];
  raw_input_contents: Buffer[];
}

export interface InferOutputTensorMessage {
  name: string;
  datatype: string;
  shape: number[];
  contents?: { fp64_contents: number[] };
}

export interface ModelInferResponseMessage {
  model_name: string;
  model_version: string;
  id: string;
  outputs: InferOutputTensorMessage[];
  raw_output_contents?: Buffer[];
}

/** A request naming a model (ModelReady, ModelMetadata). */
export interface ModelRequestMessage {
  name?: string;
  version?: string;
}
