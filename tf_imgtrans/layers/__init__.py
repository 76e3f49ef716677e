"""Every registered Keras layer of the package: `import tf_imgtrans.layers` registers them all, so
any `.keras` file the package wrote loads after it."""

from tf_imgtrans.layers.activation import OutputGradLeakyReLU
from tf_imgtrans.layers.adain import (
    AdaptiveInstanceNormalization,
    CropToReference,
    FixedStyleAdaIN,
    PadToMultiple,
    adain,
    feature_stats,
)
from tf_imgtrans.layers.image_pool import ImagePool
from tf_imgtrans.layers.inference import FixedStatsNormalization, MonteCarloDropout, Passthrough
from tf_imgtrans.layers.normalization import NORMS, check_norm, norm_layer, uses_bias
from tf_imgtrans.layers.padding import ReflectionPadding2D
from tf_imgtrans.layers.preprocess import VGGPreprocess
from tf_imgtrans.layers.rewrites import (
    SliceReflectionPadding2D,
    SpatialInstanceNormalization,
    SubPixelConv2DTranspose,
)

__all__ = [
    "NORMS",
    "AdaptiveInstanceNormalization",
    "CropToReference",
    "FixedStatsNormalization",
    "FixedStyleAdaIN",
    "ImagePool",
    "MonteCarloDropout",
    "OutputGradLeakyReLU",
    "PadToMultiple",
    "Passthrough",
    "ReflectionPadding2D",
    "SliceReflectionPadding2D",
    "SpatialInstanceNormalization",
    "SubPixelConv2DTranspose",
    "VGGPreprocess",
    "adain",
    "check_norm",
    "feature_stats",
    "norm_layer",
    "uses_bias",
]
