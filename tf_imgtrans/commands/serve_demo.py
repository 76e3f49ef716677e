"""`tf-imgtrans serve-demo`: the in-browser demo (TF.js) and exported models on 127.0.0.1."""

from __future__ import annotations


def register(commands, models) -> None:
    from tf_imgtrans.demo_server import DEFAULT_PORT

    p = commands.add_parser(
        "serve-demo",
        help="serve the web demo page and TF.js models on 127.0.0.1 (translation in the browser)",
        description="Serves web_demo/ (the page), the TF.js files it needs and the TF.js models "
        "found in --models on 127.0.0.1 only. Open the printed URL; images never leave the "
        "browser.",
    )
    p.add_argument(
        "--models",
        required=True,
        help="a folder of TF.js exports (folders with model.json + manifest.json), e.g. "
        "demo_out/export",
    )
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0: any free port)",
    )
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.demo_server import DemoServer, list_models
    from tf_imgtrans.export import ExportToolError

    try:
        server = DemoServer(args.models, port=args.port, verbose=args.verbose)
    except ExportToolError as e:  # the npm packages are missing
        raise FileNotFoundError(str(e)) from None
    models = list_models(server.models_dir)["models"]
    usable = sum(not m["problems"] for m in models)
    print(
        f"Web demo at {server.url} ({usable} of {len(models)} models usable, from "
        f"{server.models_dir}); Ctrl+C stops.",
        flush=True,
    )
    for model in models:
        for problem in model["problems"]:
            print(f"  {model['id']}: {problem}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.")
    return 0
