"""`tf-imgtrans evaluate`: FID/KID of a generator's translations (and PSNR/SSIM against ground
truth where the split has it), next to the untranslated input."""

from __future__ import annotations

import json


def register(commands, models) -> None:
    p = commands.add_parser(
        "evaluate", help="score a generator on unpaired data: FID/KID (+ PSNR/SSIM if paired)"
    )
    p.add_argument("--model", required=True, help="a generator .keras file")
    p.add_argument(
        "--data",
        required=True,
        help="unpaired data: a folder (testA/ testB/), builtin:NAME, cyclegan:NAME or tfds:NAME",
    )
    p.add_argument(
        "--direction",
        choices=("AtoB", "BtoA"),
        default="AtoB",
        help="AtoB: translate A images and compare with B (default); BtoA: the reverse",
    )
    p.add_argument("--split", default="test", help="split to score (default test)")
    p.add_argument("--image-size", type=int, default=256, help="evaluation size (default 256)")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--limit", type=int, help="only the first N images of each domain")
    p.add_argument(
        "--feature-model",
        help="feature network for FID/KID: inception, vgg16, or a .keras file (default: "
        "InceptionV3 with ImageNet weights; where they cannot be had, e.g. offline, VGG16 with "
        "ImageNet weights from $TF_IMGTRANS_VGG_WEIGHTS, named so in the report)",
    )
    p.add_argument("--no-fid", action="store_true", help="only PSNR/SSIM (needs ground truth)")
    p.add_argument("--kid-subsets", type=int, default=100)
    p.add_argument("--kid-subset-size", type=int, default=1000)
    p.add_argument("--json", dest="json_path", help="also write the report to this JSON file")
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.data import (
        has_ground_truth,
        load_domain_dataset,
        resolve_unpaired_spec,
        unpaired_splits,
    )
    from tf_imgtrans.metrics import (
        default_feature_model,
        evaluate_translation,
        format_translation_report,
        load_feature_model,
    )
    from tf_imgtrans.translate_files import load_generator

    generator = load_generator(args.model)
    root = resolve_unpaired_spec(args.data, image_size=args.image_size)
    source, target = ("A", "B") if args.direction == "AtoB" else ("B", "A")
    ground_truth = has_ground_truth(root, args.split)
    if args.no_fid and not ground_truth:
        raise ValueError(
            f"--no-fid leaves only PSNR/SSIM, but split {args.split!r} of {args.data} has no "
            "ground truth (its A and B images are not pictures of the same scenes)."
        )
    feature_model, feature_name = None, None
    if not args.no_fid:
        if args.feature_model and args.feature_model not in ("inception", "vgg16"):
            feature_model, feature_name = load_feature_model(args.feature_model), args.feature_model
        else:
            feature_model, feature_name = default_feature_model(args.feature_model or "auto")

    def domain(name, split=args.split):
        return load_domain_dataset(
            root,
            split,
            name,
            image_size=args.image_size,
            batch_size=args.batch_size,
            limit=args.limit,
        )

    report = evaluate_translation(
        generator,
        domain(source),
        domain(target),
        feature_model=feature_model,
        ground_truth=ground_truth,
        distances=not args.no_fid,
        kid_subsets=args.kid_subsets,
        kid_subset_size=args.kid_subset_size,
        # A baseline that ignores the input: the mean training image of the target domain.
        mean_of=domain(target, "train")
        if ground_truth and "train" in unpaired_splits(root)
        else None,
    )
    report["settings"] = {
        "model": args.model,
        "data": args.data,
        "split": args.split,
        "direction": args.direction,
        "image_size": args.image_size,
        "feature_model": feature_name,
        "ground_truth": ground_truth,
    }
    print(f"{args.model} on {args.data} ({args.split}, {source} -> {target}):")
    if feature_name:
        print(f"FID/KID in the feature space of {feature_name}")
    print(format_translation_report(report))
    if args.json_path:
        from tf_imgtrans.callbacks import atomic_write_text

        atomic_write_text(args.json_path, json.dumps(report, indent=1))
    return 0
