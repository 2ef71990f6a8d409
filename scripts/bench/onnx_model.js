'use strict';
// A minimal protobuf encoder, just enough to write an ONNX model with one Softmax node, so the bench
// needs no model file and no protobuf package. Field numbers are from onnx/onnx.proto (IR version 8).

/** Base-128 varint; int64 fields take negative values as 10-byte two's complement. */
function varint(value) {
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    bytes.push(b);
  } while (v !== 0n);
  return Buffer.from(bytes);
}

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const key = (field, wire) => varint((field << 3) | wire);

/** A varint field (int32, int64, enum). */
function fInt(field, value) {
  return Buffer.concat([key(field, WIRE_VARINT), varint(value)]);
}

/** A length-delimited field: string, bytes or an embedded message (given as its parts). */
function fLen(field, payload) {
  const body = Array.isArray(payload) ? Buffer.concat(payload) : Buffer.from(payload, 'utf8');
  return Buffer.concat([key(field, WIRE_LEN), varint(body.length), body]);
}

const TENSOR_FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2; // AttributeProto.AttributeType.INT

/** ValueInfoProto{name, type: TypeProto{tensor_type{elem_type FLOAT, shape{dim{dim_param}...}}}}. */
function floatTensorInfo(name, dimParams) {
  const dims = dimParams.map((p) => fLen(1, [fLen(2, p)])); // Dimension.dim_param = 2
  const shape = fLen(2, dims); // TypeProto.Tensor.shape = 2; TensorShapeProto.dim = 1 (above)
  const tensorType = fLen(1, [fInt(1, TENSOR_FLOAT), shape]); // TypeProto.tensor_type = 1
  return [fLen(1, name), fLen(2, [tensorType])]; // ValueInfoProto.name = 1, .type = 2
}

/**
 * ModelProto bytes of y = Softmax(x, axis=-1) on a float tensor [N, C] (both dimensions symbolic),
 * opset 13 (where Softmax is per-axis rather than the old flatten-to-2D semantics).
 */
function softmaxModel() {
  const axis = [fLen(1, 'axis'), fInt(3, -1), fInt(20, ATTR_INT)]; // AttributeProto name=1, i=3, type=20
  const node = [fLen(1, 'x'), fLen(2, 'y'), fLen(3, 'softmax'), fLen(4, 'Softmax'), fLen(5, axis)]; // NodeProto
  const graph = [
    fLen(1, node), // GraphProto.node = 1
    fLen(2, 'sketchmax_bench_softmax'), // .name = 2
    fLen(11, floatTensorInfo('x', ['N', 'C'])), // .input = 11
    fLen(12, floatTensorInfo('y', ['N', 'C'])), // .output = 12
  ];
  const opset = [fLen(1, ''), fInt(2, 13)]; // OperatorSetIdProto domain=1, version=2
  return Buffer.concat([
    fInt(1, 8), // ModelProto.ir_version = 1
    fLen(2, 'sketchmax-bench'), // .producer_name = 2
    fLen(7, graph), // .graph = 7
    fLen(8, opset), // .opset_import = 8
  ]);
}

module.exports = { softmaxModel, varint };
