/**
 * A small typed builder for ONNX graphs (opset 17, IR 8) on top of onnx-proto.
 * Used to generate the built-in model and the SAM-signature test models; pure (bytes out, no I/O).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type TensorDtype = 'float32' | 'int64' | 'uint8' | 'int32' | 'bool';
/** A dimension: a fixed size or a symbolic name (dynamic). */
export type Dim = number | string;

const DTYPE_CODE: Record<TensorDtype, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export type Attr =
  | { i: number }
  | { f: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { s: string }
  | { t: onnxProto.onnx.ITensorProto };

function attribute(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in a) return { name, type: T.INT, i: a.i };
  if ('f' in a) return { name, type: T.FLOAT, f: a.f };
  if ('ints' in a) return { name, type: T.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: T.FLOATS, floats: [...a.floats] };
  if ('s' in a) return { name, type: T.STRING, s: new TextEncoder().encode(a.s) };
  return { name, type: T.TENSOR, t: a.t };
}

function valueInfo(
  name: string,
  dtype: TensorDtype,
  shape: readonly Dim[],
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DTYPE_CODE[dtype],
        shape: {
          dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

export function tensorProto(
  name: string,
  dtype: TensorDtype,
  dims: readonly number[],
  values: ArrayLike<number>,
): onnxProto.onnx.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new Error(`tensor ${name}: ${values.length} values for dims [${dims.join(',')}]`);
  }
  let raw: Uint8Array;
  switch (dtype) {
    case 'float32':
      raw = new Uint8Array(Float32Array.from(values).buffer);
      break;
    case 'int64':
      raw = new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
      break;
    case 'int32':
      raw = new Uint8Array(Int32Array.from(values).buffer);
      break;
    case 'uint8':
    case 'bool':
      raw = Uint8Array.from(values);
      break;
  }
  return { name, dataType: DTYPE_CODE[dtype], dims: [...dims], rawData: raw };
}

/** Builds one graph; every op returns the name of its (first) output. */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, dtype: TensorDtype, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  output(value: string, name: string, dtype: TensorDtype, shape: readonly Dim[]): void {
    const out = value === name ? value : this.op('Identity', [value], {}, name);
    this.outputs.push(valueInfo(out, dtype, shape));
  }

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  /** A constant tensor (initializer). */
  constant(
    dtype: TensorDtype,
    dims: readonly number[],
    values: ArrayLike<number>,
    prefix = 'c',
  ): string {
    const name = this.fresh(prefix);
    this.initializers.push(tensorProto(name, dtype, dims, values));
    return name;
  }

  scalar(value: number): string {
    return this.constant('float32', [], [value], 'k');
  }

  ints(values: readonly number[]): string {
    return this.constant('int64', [values.length], values, 'i');
  }

  op(
    type: string,
    inputs: readonly string[],
    attrs: Record<string, Attr> = {},
    outName?: string,
  ): string {
    return this.opMulti(type, inputs, 1, attrs, outName ? [outName] : undefined)[0] as string;
  }

  opMulti(
    type: string,
    inputs: readonly string[],
    outputCount: number,
    attrs: Record<string, Attr> = {},
    outNames?: readonly string[],
  ): string[] {
    const outputs = outNames
      ? [...outNames]
      : Array.from({ length: outputCount }, () => this.fresh(type.toLowerCase()));
    this.nodes.push({
      opType: type,
      input: [...inputs],
      output: outputs,
      name: this.fresh(`n_${type}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  /** Serialises the model; `metadata` lands in ModelProto.metadata_props. */
  toBytes(metadata: Record<string, string> = {}, opset = 17): Uint8Array {
    const model: onnxProto.onnx.IModelProto = {
      irVersion: 8,
      producerName: 'pocus-appliance',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: opset }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    const err = onnx.ModelProto.verify(model);
    if (err) throw new Error(`invalid ONNX model ${this.name}: ${err}`);
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
