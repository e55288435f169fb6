"""LeNet-5 (Caffe form, as smallnets builds it) training and inference timing in PyTorch CPU.

Prints one JSON object: training images/s (median over timed steps after warm-up) and inference
latency at batch 1 and 64. Run by bench/train.ts with the same batch size and step counts.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

threads, batch, warmup, steps = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(threads)
torch.manual_seed(1)

model = nn.Sequential(
    nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(batch, 1, 28, 28)
y = torch.randint(0, 10, (batch,))


def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(warmup):
    step()
times = []
for _ in range(steps):
    t = time.perf_counter()
    step()
    times.append(time.perf_counter() - t)
train_step = statistics.median(times)


def latency(n):
    xb = torch.rand(n, 1, 28, 28)
    with torch.no_grad():
        for _ in range(warmup):
            model(xb)
        ts = []
        for _ in range(steps):
            t = time.perf_counter()
            model(xb)
            ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1000


print(json.dumps({
    "torch": torch.__version__,
    "threads": threads,
    "stepMs": train_step * 1000,
    "imagesPerSecond": batch / train_step,
    "latencyMsBatch1": latency(1),
    "latencyMsBatch64": latency(64),
}))
