"""Neural style transfer at inference: Gatys optimisation (`stylize`), AdaIN with a trained
decoder (`adain_stylize`), and colour preservation shared by both."""

from tf_imgtrans.style.adain import (
    adain_generator,
    adain_stylize,
    load_adain_model,
    style_statistics,
)
from tf_imgtrans.style.color import COLOR_MODES, combine_luminance, match_color
from tf_imgtrans.style.gatys import (
    GATYS_CONTENT_LAYERS,
    GATYS_STYLE_LAYERS,
    StylizeResult,
    stylize,
)

__all__ = [
    "COLOR_MODES",
    "GATYS_CONTENT_LAYERS",
    "GATYS_STYLE_LAYERS",
    "StylizeResult",
    "adain_generator",
    "adain_stylize",
    "combine_luminance",
    "load_adain_model",
    "match_color",
    "style_statistics",
    "stylize",
]
