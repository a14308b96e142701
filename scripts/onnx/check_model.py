#!/usr/bin/python3
"""Checks a model written by `hdkd export` with ONNX's own checker (onnx.checker.check_model, full_check: types and
shapes inferred as well) and prints what the file declares: opset, inputs, outputs, metadata keys.

Needs Debian's python3-onnx (apt-get install -y python3-onnx); not run in CI. Debian's onnx 1.12 knows opsets up
to 17, hdkd's default: check newer opsets with a newer onnx.

    scripts/onnx/check_model.py student.onnx
"""
import sys

import onnx
import onnx.checker
import onnx.numpy_helper


def main(argv):
    if len(argv) != 2:
        print("usage: check_model.py MODEL.onnx", file=sys.stderr)
        return 2
    model = onnx.load(argv[1])
    onnx.checker.check_model(model, full_check=True)
    opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
    print(f"{argv[1]}: valid (onnx {onnx.__version__}, IR {model.ir_version}, opset {opsets})")
    g = model.graph
    init = {i.name for i in g.initializer}

    def dims(v):
        return "x".join(d.dim_param or str(d.dim_value) for d in v.type.tensor_type.shape.dim) or "?"

    for v in g.input:
        if v.name not in init:
            print(f"  input  {v.name} {dims(v)}")
    for v in g.output:
        print(f"  output {v.name}")
    print(f"  {len(g.node)} nodes, {len(g.initializer)} initializers,"
          f" {sum(onnx.numpy_helper.to_array(i).size for i in g.initializer)} weights")
    print("  metadata: " + ", ".join(p.key for p in model.metadata_props))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
