"""``python -m ml_connector_fakes.zoho serve``: the sandbox in the foreground, for manual runs and the
demo's debugging.

python -m ml_connector_fakes.zoho serve --host 127.0.0.1 --port 9000 --seed 42 --invoices-per-org 60 \
    --time-scale 1
"""

from __future__ import annotations

import argparse
import importlib
import sys

import uvicorn

from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.app import create_app
from ml_connector_fakes.zoho.config import SandboxConfig


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ml_connector_fakes.zoho", description="Zoho Books sandbox"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the accounts server, the Books API and the admin API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=9000)
    serve.add_argument("--seed", type=int, default=42, help="data set seed")
    serve.add_argument("--invoices-per-org", type=int, default=60)
    serve.add_argument("--time-scale", type=float, default=1.0, help="Zoho-seconds per real second")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The generator belongs to the data side; imported by name so this module does not depend on it to load.
    generator = importlib.import_module("ml_connector_fakes.world.generator")
    dataset: Dataset = generator.generate_dataset(seed=args.seed, invoices_per_org=args.invoices_per_org)
    app = create_app(dataset, SandboxConfig(time_scale=args.time_scale))
    regions = sorted({books.region for books in dataset.orgs.values()})
    base = f"http://{args.host}:{args.port}"
    print(f"Zoho Books sandbox on {base}: {len(dataset.orgs)} organizations in {', '.join(regions)}")
    for region in regions:
        print(f"  {region}: token {base}/{region}/oauth/v2/token, API {base}/{region}/books/v3")
    for refresh_token, (client_id, region) in sorted(dataset.refresh_tokens.items(), key=lambda kv: kv[1]):
        print(f"  refresh token for client {client_id} in {region}: {refresh_token}")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False, ws="none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
