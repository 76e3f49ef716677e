"""Image quality metrics: PSNR/SSIM against ground truth, FID/KID between image sets."""

from tf_imgtrans.metrics.fid import (
    FeatureModelUnavailable,
    default_feature_model,
    evaluate_translation,
    extract_features,
    fid,
    format_translation_report,
    frechet_distance,
    inception_feature_model,
    kernel_inception_distance,
    kid,
    load_feature_model,
    vgg16_feature_model,
)
from tf_imgtrans.metrics.image import psnr, ssim

__all__ = [
    "FeatureModelUnavailable",
    "evaluate_translation",
    "extract_features",
    "fid",
    "format_translation_report",
    "frechet_distance",
    "default_feature_model",
    "inception_feature_model",
    "kernel_inception_distance",
    "kid",
    "load_feature_model",
    "vgg16_feature_model",
    "psnr",
    "ssim",
]
