"""How far each notebook claim about a training run is from flipping, over BLAS kernels and threads.

A notebook prints claims such as "test accuracy above 0.9: True" and rounded figures such as
"gap 0.16". Their numbers change in the last digits with the BLAS kernel and thread count
(scripts/blas_kernels.py), and a claim is only true on a learner's machine if its threshold is
further from the number than that spread. This script runs the notebooks once per kernel and
thread count, reads each claim's number after the cell that prints it, and prints per claim the
minimum and maximum over the runs, the threshold, the margin and a verdict:

    python scripts/claims_spread.py                   every usable kernel x 1 and 2 threads
    python scripts/claims_spread.py --kernels Haswell --threads 1 --notebooks 10_batch_norm

A threshold claim is "ok" when it holds in every run with a margin of at least twice the
spread and at least its floor; an exact claim (a count, an accuracy of 100%) when it holds
exactly in every run; a rounded figure is "ok" when every run prints the same digits
and the spread would have to grow 2x to reach a rounding boundary. The exit status is 1 when any
claim is not ok. Each claim's numbers come from expressions evaluated in the notebook's kernel
right after the cell that contains `after`; a notebook edit that removes that cell fails here.
"""

import argparse
import json
import math
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).parent))
from blas_kernels import usable_kernels  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def above(label, expr, threshold, floor=0.0):
    """The claim `expr > threshold` (or >=) for every value expr gives."""
    return {"label": label, "expr": expr, "kind": "above", "threshold": threshold, "floor": floor}


def below(label, expr, threshold, floor=0.0):
    """The claim `expr < threshold` for every value expr gives."""
    return {"label": label, "expr": expr, "kind": "below", "threshold": threshold, "floor": floor}


def exact(label, expr, value):
    """The claim `expr == value` exactly (a count, or an accuracy of 100%)."""
    return {"label": label, "expr": expr, "kind": "exact", "value": value}


def rounded(label, expr, digits):
    """A figure printed with `digits` decimals."""
    return {"label": label, "expr": expr, "kind": "rounded", "digits": digits}


# notebook -> [(a line of the cell after which the claims are read, [claims])]. Accuracies
# get a floor of 0.01 (10 of 1,000 images), on top of twice the spread.
CLAIMS = {
    "06_build_the_network": [
        ("accuracies = overfit(net)", [
            below("first step at 100% training accuracy, of 300",
                  "int(np.argmax(accuracies == 1)) if (accuracies == 1).any() else 10**6", 300),
            rounded("loss on the 50 images", "net.loss(x_tiny, t_tiny)", 2),
            rounded("accuracy on the test digits", "net.accuracy(x_test, t_test)", 2)]),
        ("cosine = ", [rounded("cosine between the wrong and the right dW1", "cosine", 1)]),
    ],
    "07_mnist_training": [
        ('print("validation accuracy >= 0.88:", val_acc_list[-1] >= 0.88)', [
            above("loop: validation accuracy >= 0.88", "val_acc_list[-1]", 0.88, 0.01)]),
        ('print("gap between them < 0.05:"', [
            above("Trainer: validation accuracy >= 0.90", "val_acc", 0.90, 0.01),
            above("train accuracy - validation accuracy >= 0", "train_acc - val_acc", 0.0, 0.005),
            below("train accuracy - validation accuracy < 0.05", "train_acc - val_acc", 0.05,
                  0.005)]),
        ("chosen = max(best, key=best.get)", [
            above("best validation: lr 0.1 - lr 0.01 > 0.05",
                  "best['lr 0.1'] - best['lr 0.01']", 0.05, 0.005),
            above("best validation: lr 0.5 with decay - lr 0.1 > 0.005",
                  "best['lr 0.5, decay 0.9'] - best['lr 0.1']", 0.005, 0.005)]),
        ("test_acc = net.accuracy(x_test, t_test)", [
            above("chosen network's test accuracy >= 0.92", "test_acc", 0.92, 0.01),
            below("|test - best validation accuracy| < 0.02", "abs(test_acc - best[chosen])",
                  0.02, 0.005)]),
        ("wrong = np.flatnonzero", [
            below("share of validation digits misclassified < 0.1", "len(wrong) / len(t_val)",
                  0.1, 0.01)]),
    ],
    "08_optimizers": [
        ('print("SGD ends with the highest loss:"', [
            above("SGD's final loss minus the next highest",
                  "final['sgd'] - max(v for k, v in final.items() if k != 'sgd')", 0.0),
            below("Momentum and Nesterov's final loss / SGD's", "max(momentum_like) / final['sgd']",
                  0.5),
            below("AdaGrad, RMSprop, Adam's worst / Momentum and Nesterov's best",
                  "max(adaptive) / min(momentum_like)", 1.0)]),
    ],
    "09_weight_init": [
        ("spread = np.abs(W1", [
            below("spread of W1's columns", "spread", 1e-10),
            rounded("test accuracy with equal weights", "net.accuracy(x_test, t_test)", 4)]),
        ('print("std 0.01 has not left log 10', [
            above("std 0.01: mean loss of the last 25 steps", "final['std 0.01']", 2.25),
            below("He's final loss / Xavier's", "final['He'] / final['Xavier']", 0.5),
            above("He's test accuracy", "test_accuracy['He']", 0.8, 0.01)]),
    ],
    "10_batch_norm": [
        ('print("test accuracy above 0.9:"', [
            above("batch-norm net's test accuracy", "net.accuracy(x_test, t_test)", 0.9, 0.01)]),
        ("train_mode = [", [
            above("training mode: spread of the probability", "np.ptp(train_mode)", 0.5),
            below("test mode: spread of the probability", "np.ptp(test_mode)", 1e-6)]),
        ('largest = {key: np.abs(g).max()', [
            below("|db1| / |dW1|", "largest['b1'] / largest['W1']", 1e-5),
            above("|dbeta1|", "largest['beta1']", 1e-3)]),
        ("small = [s for s in SCALES if s <= 0.03]", [
            below("plain SGD's final train accuracy at std <= 0.03",
                  "[results[s]['plain'][-1] for s in small]", 0.2, 0.01),
            above("batch norm's best train accuracy at std <= 0.03",
                  "[max(results[s]['batch norm']) for s in small]", 0.9, 0.01),
            below("batch norm's final train accuracy at std 0.001",
                  "results[0.001]['batch norm'][-1]", 0.85, 0.01)]),
        ("activations = {scale: {label: hidden_rms", [
            above("batch norm: lowest hidden-layer RMS at the initial weights",
                  "min(v for runs in activations.values() for v in runs['batch norm'])", 0.6),
            below("batch norm: highest hidden-layer RMS at the initial weights",
                  "max(v for runs in activations.values() for v in runs['batch norm'])", 0.8),
            below("plain: last hidden layer's RMS at std <= 0.03",
                  "[activations[s]['plain'][-1] for s in SCALES if s <= 0.03]", 1e-3)]),
    ],
    "11_regularisation": [
        ('print("training accuracy 100% in each of the last 30 epochs:"', [
            exact("lowest training accuracy of the last 30 epochs (all 300 images right)",
                  "train[-30:].min()", 1.0),
            below("validation accuracy, last 10 epochs", "last(val)", 0.9, 0.01),
            below("validation accuracy gained over the last 30 epochs",
                  "last(val) - val[-40:-30].mean()", 0.02, 0.005),
            above("gap, last 10 epochs", "last(train) - last(val)", 0.1, 0.01),
            rounded("training accuracy, last 10 epochs", "last(train)", 2),
            rounded("validation accuracy, last 10 epochs", "last(val)", 2),
            rounded("gap, last 10 epochs", "last(train) - last(val)", 2)]),
        ("def squares(net):", [
            below("sum of squared weights, decayed / plain",
                  "squares(decay_net) / squares(plain_net)", 0.1),
            below("weight decay: training accuracy, last 10 epochs", "last(train)", 0.95, 0.01),
            below("weight decay: gap minus the plain gap",
                  "(last(train) - last(val)) - (last(plain_train) - last(plain_val))", 0.0,
                  0.01),
            below("weight decay: validation accuracy minus the plain one",
                  "last(val) - last(plain_val)", 0.0, 0.01),
            rounded("weight decay: gap", "last(train) - last(val)", 2),
            rounded("weight decay: validation accuracy", "last(val)", 2),
            rounded("plain: validation accuracy", "last(plain_val)", 2)]),
        ("gap, plain_gap = train - val, plain_train - plain_val", [
            below("dropout: highest training accuracy", "train.max()", 0.95, 0.01),
            below("dropout: gap / plain gap, epochs 11 to 40",
                  "gap[10:40].mean() / plain_gap[10:40].mean()", 0.5),
            below("dropout: |gap - plain gap|, last 10 epochs",
                  "abs(last(gap) - last(plain_gap))", 0.03, 0.005),
            below("dropout: validation accuracy minus the plain one", "last(val) - last(plain_val)",
                  0.0, 0.01),
            rounded("dropout: gap", "last(gap)", 2),
            rounded("plain: gap", "last(plain_gap)", 2)]),
        ("trials.sort(", [
            below("trials diverged (exact count 1)", "sum(r['val_acc'] == 0.0 for r in trials)",
                  1.5)]),
        ("good = [r for r in trials", [
            above("best validation accuracy", "best['val_acc']", 0.85, 0.01),
            below("best trial with lr outside (0.01, 0.3), below the best - 0.05",
                  "max([r['val_acc'] for r in trials if not 0.01 < r['lr'] < 0.3] + [0])"
                  " - (best['val_acc'] - 0.05)", 0.0, 0.01),
            below("validation accuracy of trials with lr below 0.006",
                  "[r['val_acc'] for r in trials if r['lr'] < 0.006]", 0.5, 0.01),
            below("validation accuracy of trials with lr above 0.25",
                  "[r['val_acc'] for r in trials if r['lr'] > 0.25]", 0.75, 0.01),
            below("best trial with weight decay >= 0.05, below the best - 0.05",
                  "max([r['val_acc'] for r in trials if r['weight_decay'] >= 0.05] + [0])"
                  " - (best['val_acc'] - 0.05)", 0.0, 0.01)]),
        ("test_accuracy = best", [
            above("chosen network's test accuracy", "test_accuracy", 0.8, 0.01),
            below("|test accuracy - best validation accuracy|",
                  "abs(test_accuracy - best['val_acc'])", 0.05, 0.01),
            rounded("test accuracy (k / 2000, exact in 4 decimals)", "test_accuracy", 4),
            rounded("best validation accuracy", "best['val_acc']", 3)]),
        ("plain_loss, small_decay_loss =", [
            below("lambda 0.01: |gap - plain gap|",
                  "abs(last(runs[0.01, 0.0][0] - runs[0.01, 0.0][1]) - last(plain_gap))", 0.03,
                  0.005),
            below("lambda 0.1, dropout 0.2: training accuracy", "last(runs[0.1, 0.2][0])", 0.2,
                  0.01),
            below("lambda 0.01: |validation accuracy - plain one|",
                  "abs(last(runs[0.01, 0.0][1]) - last(plain_val))", 0.02, 0.005),
            below("lambda 0.01: validation loss - (plain one - 0.05)",
                  "small_decay_loss - (plain_loss - 0.05)", 0.0, 0.01),
            rounded("lambda 0.01: validation loss", "small_decay_loss", 2),
            rounded("plain: validation loss", "plain_loss", 2)]),
    ],
    "13_autograd": [
        ('print("loss equal to 1e-12:"', [
            below("Tensor's loss minus TwoLayerNet's, absolute",
                  "abs(float(loss.data) - net.loss(x_batch, t_batch))", 1e-12),
            below("largest gradient difference from TwoLayerNet.gradient",
                  "max(np.max(np.abs(params[k].grad - g))"
                  " for k, g in net.gradient(x_batch, t_batch).items())", 1e-12)]),
        ('print("the two losses agree at every one of the 300 steps', [
            below("largest loss difference over the 300 steps",
                  "np.max(np.abs(layer_losses - tensor_losses))", 1e-10),
            below("largest weight difference at the end",
                  "max(np.max(np.abs(weights[k] - net.params[k])) for k in weights)", 1e-10),
            above("mean loss of the first 5 steps", "tensor_losses[:5].mean()", 2.2),
            below("mean loss of the last 20 steps", "tensor_losses[-20:].mean()", 1.0)]),
    ],
    "12_convolutions": [
        ("conv_acc = conv_net.accuracy(x_test, t_test)", [
            above("SimpleConvNet's test accuracy", "conv_acc", 0.96, 0.01),
            below("TwoLayerNet's test accuracy", "dense_acc", 0.95, 0.01),
            below("conv net's errors / two-layer net's", "(1 - conv_acc) / (1 - dense_acc)", 0.5,
                  0.05)]),
        ("def neighbour_correlation(filters):", [
            below("neighbour correlation of the filters before training",
                  "neighbour_correlation(W1_before)", 0.2),
            above("neighbour correlation of the filters after training",
                  "neighbour_correlation(conv_net.params['W1'])", 0.4)]),
    ],
}


def probe_source(claims):
    exprs = {c["label"] + "|" + c["kind"]: c["expr"] for c in claims}
    return ("import json as _json, numpy as _np\n"
            f"_exprs = {exprs!r}\n"
            "print('CLAIMS ' + _json.dumps({k: _np.ravel(eval(e)).astype(float).tolist()\n"
            "                                for k, e in _exprs.items()}))")


def measure(notebook, env):
    """Run `notebook` with the probes after its cells, in a kernel with `env` -> {key: values}."""
    nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
    cells, found = [], set()
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        for after, claims in CLAIMS[notebook]:
            if after in cell.source and after not in found:
                found.add(after)
                cells.append(nbformat.v4.new_code_cell(probe_source(claims)))
    missing = [after for after, _ in CLAIMS[notebook] if after not in found]
    if missing:
        raise SystemExit(f"{notebook}: no cell contains {missing}: update CLAIMS")
    nb.cells = cells
    saved = dict(os.environ)
    os.environ.update(env)  # the kernel inherits it; OpenBLAS reads it when numpy loads
    try:
        NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(ROOT / "notebooks")}},
                       record_timing=False).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith("CLAIMS "):
                    values.update(json.loads(line[len("CLAIMS "):]))
    return values


def judge(claim, values):
    """-> (critical min, critical max, margin text, ok) over the values of every run."""
    if claim["kind"] == "rounded":
        scale = 10 ** claim["digits"]
        values = [v[0] for v in values]
        lo, hi = min(values), max(values)
        printed = {f"{v:.{claim['digits']}f}" for v in values}
        # each value's distance from the nearest rounding boundary (..., 0.155, 0.165, ...)
        distance = min(abs(v * scale - math.floor(v * scale) - 0.5) / scale for v in values)
        ok = len(printed) == 1 and distance >= 2 * (hi - lo)
        return lo, hi, f"prints {'/'.join(sorted(printed))}, {distance:.4g} from a boundary", ok
    if claim["kind"] == "exact":
        flat = [x for v in values for x in v]
        ok = all(x == claim["value"] for x in flat)
        return min(flat), max(flat), f"== {claim['value']:g} exactly in every run", ok
    worst = min if claim["kind"] == "above" else max
    critical = [worst(v) for v in values]
    lo, hi = min(critical), max(critical)
    if claim["kind"] == "above":
        margin = lo - claim["threshold"]
    else:
        margin = claim["threshold"] - hi
    ok = margin > 0 and margin >= 2 * (hi - lo) and margin >= claim["floor"]
    sign = ">" if claim["kind"] == "above" else "<"
    return lo, hi, f"{sign} {claim['threshold']:g}, margin {margin:.4g}", ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kernels", help="comma-separated OPENBLAS_CORETYPE values "
                                          "(default: every kernel blas_kernels.py finds usable)")
    parser.add_argument("--threads", default="1,2", help="BLAS thread counts (default 1,2)")
    parser.add_argument("--notebooks", help="comma-separated names (default: all with claims)")
    parser.add_argument("--json", help="also write every run's numbers to this file")
    args = parser.parse_args()
    if args.kernels:
        kernels = args.kernels.split(",")
    else:
        usable, skipped = usable_kernels()
        kernels = [k for k, _ in usable]
        for kernel, reason in skipped:
            print(f"skipped {kernel}: {reason}")
    notebooks = args.notebooks.split(",") if args.notebooks else list(CLAIMS)
    runs = [(k, int(t)) for k in kernels for t in args.threads.split(",")]
    print(f"{len(runs)} runs: " + ", ".join(f"{k} x {t}" for k, t in runs), flush=True)
    measured = {}  # notebook -> key -> [values of each run]
    for kernel, threads in runs:
        env = {"OPENBLAS_CORETYPE": kernel, "OPENBLAS_NUM_THREADS": str(threads),
               "OMP_NUM_THREADS": str(threads), "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
        for notebook in notebooks:
            for key, values in measure(notebook, env).items():
                measured.setdefault(notebook, {}).setdefault(key, []).append(values)
        print(f"measured {kernel} x {threads}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, "measured": measured}, indent=1))
    failures = 0
    for notebook in notebooks:
        print(f"\n== {notebook}")
        for _, claims in CLAIMS[notebook]:
            for claim in claims:
                values = measured[notebook][claim["label"] + "|" + claim["kind"]]
                lo, hi, text, ok = judge(claim, values)
                failures += not ok
                print(f"{'ok  ' if ok else 'NEAR'} {claim['label']}: {lo:.4g} to {hi:.4g}, {text}")
    print(f"\n{failures} of {sum(len(c) for n in notebooks for _, c in CLAIMS[n])} claims "
          f"too near their threshold or rounding boundary")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
