"""Image quality metrics."""

from tf_imgtrans.metrics.image import psnr, ssim

__all__ = ["psnr", "ssim"]
