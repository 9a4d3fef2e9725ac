// timbre.h - everything a program needs: tensors, factories, differentiable ops, autograd.
#pragma once

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "autograd/ops_conv.h"
#include "autograd/ops_lstm.h"
#include "tensor/factories.h"
#include "tensor/npy.h"
#include "tensor/tensor.h"
