#!/usr/bin/env python3
"""Writes tiny ONNX models for pix-label's consensus and classifier tests and
benchmarks, with weights chosen so the right answer is known (Debian's
python3-onnx; no weights are downloaded or committed).

    make_label_models.py DIR

DIR/embed.onnx        input "input" [1,3,S,S] -> "embedding" [1,3]: the mean of
                      each normalised colour channel (GlobalAveragePool), so
                      pictures tinted one colour sit together
DIR/classifier.onnx   the same mean colours -> Gemm (8 x identity) -> Softmax ->
                      "probs" [1,3]: red, green, blue
DIR/classes.txt       the classifier's classes as ImageNet WordNet ids: red is
                      n02123045 (tabby, a cat), green n07742313 (Granny Smith,
                      an apple), blue n04285008 (sports car, a car)

Spatial size is free (S is whatever pix-label sends). Exit status 77 when
python3-onnx is not installed (tests skip on it).
"""
import os
import sys

try:
    import onnx
    from onnx import TensorProto, helper
except ImportError:
    print("make_label_models: python3-onnx is not installed (scripts/install-deps models)", file=sys.stderr)
    sys.exit(77)

CLASSES = ["n02123045 tabby, tabby cat", "n07742313 Granny Smith", "n04285008 sports car, sport car"]


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)],
                              producer_name="pixcrawler-tests")
    model.ir_version = 6
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "h", "w"])
    pool = helper.make_node("GlobalAveragePool", ["input"], ["pooled"])
    flat = helper.make_node("Flatten", ["pooled"], ["embedding"], axis=1)
    emb = helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, 3])
    save(helper.make_graph([pool, flat], "mean_colour", [x], [emb]), os.path.join(out, "embed.onnx"))

    weights = helper.make_tensor("W", TensorProto.FLOAT, [3, 3], [8, 0, 0, 0, 8, 0, 0, 0, 8])
    bias = helper.make_tensor("B", TensorProto.FLOAT, [3], [0, 0, 0])
    gemm = helper.make_node("Gemm", ["embedding", "W", "B"], ["logits"])
    soft = helper.make_node("Softmax", ["logits"], ["probs"], axis=1)
    probs = helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 3])
    save(helper.make_graph([pool, flat, gemm, soft], "colour_classifier", [x], [probs],
                           initializer=[weights, bias]), os.path.join(out, "classifier.onnx"))
    with open(os.path.join(out, "classes.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")


if __name__ == "__main__":
    main()
