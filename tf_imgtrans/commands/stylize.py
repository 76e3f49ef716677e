"""`tf-imgtrans stylize CONTENT STYLE [STYLE …] --out FILE`: Gatys optimisation or AdaIN."""

from __future__ import annotations

import os


def register(commands, models) -> None:
    p = commands.add_parser(
        "stylize",
        help="paint a content image in the style of one or more style images",
        description="Gatys et al. optimisation (default), or one pass of a trained AdaIN model "
        "(--method adain --model RUN). Writes the image, and for gatys a loss curve "
        "(<out>_losses.png) and its numbers (<out>_losses.json).",
    )
    p.add_argument("content", help="the content image")
    p.add_argument("styles", nargs="+", metavar="style", help="style image(s)")
    p.add_argument("--out", required=True, help="output image (.png, .jpg)")
    p.add_argument("--method", choices=("gatys", "adain"), default="gatys")
    p.add_argument(
        "--size", type=int, help="long side of the output (gatys default 512; adain: content's)"
    )
    p.add_argument(
        "--style-blend",
        type=float,
        nargs="+",
        metavar="W",
        help="one weight per style image (blends or interpolates styles)",
    )
    p.add_argument("--preserve-color", choices=("luminance", "histogram"))
    p.add_argument("--seed", type=int)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    g = p.add_argument_group("gatys")
    g.add_argument(
        "--steps",
        type=int,
        nargs="+",
        metavar="N",
        help="iterations per scale: one number, or one per scale (default 300)",
    )
    g.add_argument("--optimizer", choices=("lbfgs", "adam"), help="default lbfgs")
    g.add_argument("--lr", type=float, help="Adam step size on [-1, 1] pixels (0.02)")
    g.add_argument("--content-weight", type=float, help="default 1")
    g.add_argument("--style-weight", type=float, help="default 1e-3")
    g.add_argument("--tv-weight", type=float, help="default 1e5")
    g.add_argument("--style-scale", type=float, help="style size / output size (1)")
    g.add_argument("--scales", type=int, help="coarse-to-fine resolutions (default 1)")
    g.add_argument("--init", choices=("content", "noise"), help="default content")
    g.add_argument("--arch", choices=("vgg16", "vgg19"), help="default vgg16")
    g.add_argument("--pooling", choices=("max", "avg"), help="default max")
    g.add_argument(
        "--vgg-weights",
        default="imagenet",
        help="'imagenet' (keras.applications, or $TF_IMGTRANS_VGG_WEIGHTS), a .npz / .h5 / "
        ".weights.h5 file, or 'random' (smoke tests only)",
    )
    g.add_argument("--loss-plot", help="loss-curve PNG (default: <out stem>_losses.png)")
    g.add_argument("--no-loss-plot", action="store_true")
    a = p.add_argument_group("adain")
    a.add_argument("--model", help="a `train adain` run folder or its stylizer.keras")
    a.add_argument("--alpha", type=float, default=1.0, help="style strength in [0, 1]")
    a.add_argument(
        "--style-size", type=int, default=512, help="long side of the style images (512)"
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.data import save_image

    if args.method == "adain":
        from tf_imgtrans.style import adain_stylize

        if not args.model:
            raise ValueError("--method adain needs --model (a `train adain` run folder).")
        image = adain_stylize(
            args.model,
            args.content,
            args.styles,
            alpha=args.alpha,
            style_weights=args.style_blend,
            preserve_color=args.preserve_color,
            size=args.size,
            style_size=args.style_size,
        )
        save_image(args.out, image)
        print(f"Stylized image: {args.out}")
        return 0

    import time

    from tf_imgtrans.style import stylize
    from tf_imgtrans.style.plot import plot_stylize_history, save_history

    if args.model:
        raise ValueError("--model is for --method adain; gatys needs no trained model.")
    start = time.perf_counter()
    options = {
        "steps": args.steps[0] if args.steps and len(args.steps) == 1 else args.steps,
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "content_weight": args.content_weight,
        "style_weight": args.style_weight,
        "tv_weight": args.tv_weight,
        "style_scale": args.style_scale,
        "scales": args.scales,
        "init": args.init,
        "arch": args.arch,
        "pooling": args.pooling,
    }
    result = stylize(
        args.content,
        args.styles,
        size=args.size or 512,
        style_blend=args.style_blend,
        preserve_color=args.preserve_color,
        weights=args.vgg_weights,
        seed=args.seed,
        progress=not args.quiet,
        **{k: v for k, v in options.items() if v is not None},  # else the library's defaults
    )
    save_image(args.out, result.image)
    stem = os.path.splitext(args.out)[0]
    save_history(result.history, stem + "_losses.json")
    h = result.history
    print(
        f"Stylized image: {args.out} ({result.image.shape[1]}x{result.image.shape[0]}, "
        f"{len(h['step'])} steps, {result.seconds:.1f} s optimising, "
        f"{time.perf_counter() - start:.1f} s in all)"
    )
    print(
        f"Final loss {h['total'][-1]:.4g} = content {h['content'][-1]:.4g} + style "
        f"{h['style'][-1]:.4g} + tv {h['tv'][-1]:.4g} (first step: {h['total'][0]:.4g})"
    )
    if not args.no_loss_plot:
        plot = args.loss_plot or stem + "_losses.png"
        plot_stylize_history(h, plot, title=os.path.basename(args.out))
        print(f"Loss curve: {plot}")
    return 0
