"""Runs a SavedModel's serving_default signature in Python TensorFlow, the loader TensorFlow Serving uses.

usage: savedmodel_outputs.py SAVED_MODEL_DIR INPUT_NAME OUTPUT_NAME INPUTS_CSV OUTPUTS_CSV
INPUTS_CSV holds one input row per line (no header); OUTPUTS_CSV receives one output row per line.
"""
import sys

import numpy as np
import tensorflow as tf


def main(saved_model, input_name, output_name, inputs_csv, outputs_csv):
    rows = np.loadtxt(inputs_csv, delimiter=",", dtype=np.float32, ndmin=2)
    model = tf.saved_model.load(saved_model, tags=["serve"])
    signature = model.signatures["serving_default"]
    out = signature(**{input_name: tf.constant(rows)})[output_name].numpy()
    np.savetxt(outputs_csv, out, delimiter=",", fmt="%.9g")


if __name__ == "__main__":
    main(*sys.argv[1:])
