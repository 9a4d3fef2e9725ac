#!/usr/bin/env python3
"""Checks timbre's models against the same models in PyTorch, end to end through files.

For each model: `timbre save-init` writes freshly initialised weights (safetensors), random
inputs and labels are written as .npy, `timbre predict --labels --grads` computes logits, the
mean cross-entropy and every parameter's gradient. The script then loads the SAME weights into
the equivalent torch.nn module (strict load_state_dict: names and shapes must match exactly),
runs it in eval mode and compares logits, loss and gradients.

This shows three things at once: timbre's safetensors files load in PyTorch, timbre's parameter
names equal PyTorch's state_dict keys, and the models compute the same thing.

Needs Debian's python3-torch and python3-numpy (apt), and a built `timbre` program:
    python3 tools/compare_with_pytorch.py build/release/cli/timbre [model ...]
Exits 1 if any comparison fails.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    import torch.nn as tnn
    import torch.nn.functional as F
except ImportError as error:  # exit code 77 = "skipped" for CTest
    print(f"skipped: {error} (install Debian's python3-torch and python3-numpy)")
    sys.exit(77)

# float32 on both sides; differences come from summation order only.
RTOL, ATOL = 1e-4, 1e-5


def read_safetensors(path):
    """The safetensors layout, read directly (it is what safetensors.torch.load_file does):
    8-byte little-endian header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + length])
    data = blob[8 + length :]
    dtypes = {"F32": np.float32, "F64": np.float64, "I64": np.int64}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


class SutdCnn(tnn.Module):
    def __init__(self, hidden1=120, hidden2=84):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, 6, 5)
        self.conv2 = tnn.Conv2d(6, 16, 3)
        self.fc1 = tnn.Linear(16 * 70 * 106, hidden1)
        self.fc2 = tnn.Linear(hidden1, hidden2)
        self.fc3 = tnn.Linear(hidden2, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class SutdLstm(tnn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = tnn.LSTM(33, 128, num_layers=2)  # sequence-first, as the report
        self.linear = tnn.Linear(128, 8)

    def forward(self, x):  # x: [T, N, 33]
        out, _ = self.lstm(x)
        return self.linear(out[-1])


class ClairvoyantMlp(tnn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = tnn.Linear(58, 512), tnn.Linear(512, 256)
        self.fc3, self.fc4 = tnn.Linear(256, 128), tnn.Linear(128, 64)
        self.fc5 = tnn.Linear(64, 10)

    def forward(self, x):
        for layer in (self.fc1, self.fc2, self.fc3, self.fc4):
            x = F.dropout(F.relu(layer(x)), 0.2, self.training)
        return self.fc5(x)


class FmaCnn(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = tnn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = tnn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = tnn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = tnn.Linear(64 * 16 * 16, 128)
        self.fc2 = tnn.Linear(128, 8)

    def forward(self, x):
        for conv in (self.conv1, self.conv2, self.conv3):
            x = F.max_pool2d(F.relu(conv(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


class UconnHybrid(tnn.Module):
    def __init__(self):
        super().__init__()
        blocks = []
        for cin, cout in ((3, 32), (32, 64), (64, 128)):
            blocks += [tnn.Conv2d(cin, cout, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2)]
        self.cnn = tnn.Sequential(*blocks, tnn.Flatten(1))
        self.mlp = tnn.Sequential(tnn.Linear(57, 256), tnn.ReLU(), tnn.Linear(256, 128), tnn.ReLU(),
                                  tnn.Linear(128, 64), tnn.ReLU(), tnn.Dropout(0.3))
        self.head = tnn.Sequential(tnn.Linear(128 * 16 * 16 + 64, 128), tnn.ReLU(), tnn.Dropout(0.5),
                                   tnn.Linear(128, 10))

    def forward(self, image, features):
        return self.head(torch.cat([self.cnn(image), self.mlp(features)], 1))


# name -> (module, input shapes (batch first, as `timbre predict` takes them), classes)
MODELS = {
    "clairvoyant_mlp": (ClairvoyantMlp, [(8, 58)], 10),
    "sutd_lstm": (SutdLstm, [(4, 128, 33)], 8),
    "fma_cnn": (FmaCnn, [(2, 1, 128, 130)], 8),
    "uconn_hybrid": (UconnHybrid, [(2, 3, 128, 128), (2, 57)], 10),
    "sutd_cnn": (SutdCnn, [(2, 3, 288, 432)], 10),
}


def worst(a, b):
    """Largest |a - b| - (ATOL + RTOL |b|) over all elements: <= 0 means all close."""
    return float((a - b).abs().sub(ATOL + RTOL * b.abs()).max())


def compare(timbre, name, workdir):
    make_module, shapes, classes = MODELS[name]
    rng = np.random.RandomState(0)
    paths = [os.path.join(workdir, f"{name}_x{i}.npy") for i in range(len(shapes))]
    inputs = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    for path, array in zip(paths, inputs):
        np.save(path, array)
    labels = rng.randint(0, classes, size=shapes[0][0]).astype(np.int64)
    labels_path = os.path.join(workdir, f"{name}_t.npy")
    np.save(labels_path, labels)
    weights = os.path.join(workdir, f"{name}_w.safetensors")
    logits_path = os.path.join(workdir, f"{name}_y.npy")
    grads_path = os.path.join(workdir, f"{name}_g.safetensors")
    subprocess.run([timbre, "save-init", "--model", name, "--out", weights, "--seed", "1"], check=True,
                   stdout=subprocess.DEVNULL)
    command = [timbre, "predict", "--model", name, "--weights", weights, "--input", paths[0],
               "--out", logits_path, "--labels", labels_path, "--grads", grads_path]
    if len(paths) > 1:
        command += ["--input2", paths[1]]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    module = make_module()
    module.load_state_dict(read_safetensors(weights), strict=True)
    module.eval()
    tensors = [torch.from_numpy(a) for a in inputs]
    if name == "sutd_lstm":
        tensors[0] = tensors[0].transpose(0, 1)  # the model is sequence-first
    logits = module(*tensors)
    loss = F.cross_entropy(logits, torch.from_numpy(labels))
    loss.backward()

    failures = []
    theirs = torch.from_numpy(np.load(logits_path))
    if worst(theirs, logits.detach()) > 0:
        failures.append(f"logits differ (worst excess {worst(theirs, logits.detach()):.3g})")
    grads = read_safetensors(grads_path)
    for pname, param in module.named_parameters():
        if pname not in grads:
            failures.append(f"no gradient for {pname}")
        elif worst(grads[pname], param.grad) > 0:
            failures.append(f"gradient of {pname} differs (worst excess {worst(grads[pname], param.grad):.3g})")
    status = "ok" if not failures else "FAILED"
    print(f"{name:16s} {status}: {sum(p.numel() for p in module.parameters()):,} parameters, "
          f"loss {loss.item():.6f}, {len(grads)} gradients compared")
    for failure in failures:
        print(f"    {failure}")
    return not failures


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    timbre = sys.argv[1]
    names = sys.argv[2:] or list(MODELS)
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as workdir:
        results = [compare(timbre, name, workdir) for name in names]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
