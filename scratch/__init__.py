"""scratch: backpropagation from scratch in NumPy, the package the notebooks share.

What is for whom:
- The core, for a learner to read (numpy only): `scratch.functions` (activations and losses),
  `scratch.layers` (MulLayer, AddLayer, Relu, Sigmoid, Affine, SoftmaxWithLoss,
  BatchNormalization, Dropout, and Convolution and Pooling from `scratch.conv`),
  `scratch.gradient` (numerical gradients and gradient checks), `scratch.nets` (TwoLayerNet,
  MultiLayerNet, MultiLayerNetExtend, and SimpleConvNet from `scratch.convnet`),
  `scratch.optimizers` (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam), `scratch.trainer`
  (Trainer, split_validation), `scratch.util` (im2col, col2im, conv_output_size,
  shuffle_dataset, smooth_curve: the book's `common.util`), `scratch.autograd` (Value, Tensor)
  and `scratch.validation` (the input checks they all make).
- Data plumbing (numpy only): `scratch.datasets`, with `load_mnist` and the idx parsing and
  download behind it.
- The notebooks' helpers (matplotlib and ipywidgets, the `notebooks` extra): `scratch.checks`
  (the exercises' self-checks), `scratch.widgets` (interactive explorers) and `scratch.plots`
  (computational graphs, optimizer paths, the graph a Value recorded).

Import the modules themselves, e.g. `from scratch.layers import Affine`: importing `scratch`
alone loads nothing.
"""
