// layers/nn.h - every layer, loss, optimizer and checkpoint function (namespace timbre::nn).
#pragma once

#include "layers/activation.h"
#include "layers/batchnorm.h"
#include "layers/checkpoint.h"
#include "layers/conv.h"
#include "layers/dropout.h"
#include "layers/init.h"
#include "layers/linear.h"
#include "layers/loss.h"
#include "layers/lr_scheduler.h"
#include "layers/lstm.h"
#include "layers/module.h"
#include "layers/optim.h"
#include "layers/pooling.h"
#include "layers/sequential.h"
