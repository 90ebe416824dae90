"""`make publish-dashboard [STACK=delegated-admin-hooks]`: the dashboard's pages to the stack's bucket.

After `sam deploy`, this reads the stack's outputs and:

1. uploads every file of dashboard/ to `DashboardBucketName` with its Content-Type (the same the
   local gateway serves it with);
2. writes `config.json` beside them: where the API is (`ApiUrl`) and where users sign in (the pool's
   managed login, `DashboardSignInUrl`, with the app client `DashboardClientId`). It holds no secret:
   the app client has none, the sign-in is the authorization code flow with PKCE;
3. invalidates the distribution (`DashboardDistributionId`), so the new pages are served at once.

It uses the AWS credentials and region of the environment (as the AWS CLI would).

    python -m tools.publish_dashboard --stack delegated-admin-hooks [--region eu-west-1] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from local.dashboard_site import CONFIG_PATH, SCOPES, content_type, page_files
from local.paths import DASHBOARD

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

OUTPUTS = (
    "ApiUrl",
    "DashboardUrl",
    "DashboardBucketName",
    "DashboardDistributionId",
    "DashboardClientId",
    "DashboardSignInUrl",
)
CONFIG_CACHE = "no-cache"  # config.json must follow a redeploy at once
PAGE_CACHE = "max-age=300"


def deployed_config(outputs: Mapping[str, str]) -> dict[str, Any]:
    """The pages' config.json in AWS, from the stack's outputs."""
    return {
        "apiUrl": outputs["ApiUrl"].rstrip("/"),
        "signIn": {"domain": outputs["DashboardSignInUrl"], "clientId": outputs["DashboardClientId"], "scope": SCOPES},
    }


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    """The outputs the publisher needs; a missing one means the stack predates the dashboard."""
    description = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {item["OutputKey"]: item["OutputValue"] for item in description.get("Outputs", [])}
    missing = [name for name in OUTPUTS if name not in outputs]
    if missing:
        names = ", ".join(missing)
        raise SystemExit(f"stack {stack} has no output {names}: deploy this version of template.yaml first")
    return outputs


def publish(s3: Any, cloudfront: Any, outputs: Mapping[str, str], root: Path = DASHBOARD) -> list[str]:
    """Upload the pages and config.json, then invalidate the distribution; returns the keys written."""
    bucket = outputs["DashboardBucketName"]
    written = []
    for relative in page_files(root):
        key = relative.as_posix()
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=(root / relative).read_bytes(),
            ContentType=content_type(relative),
            CacheControl=PAGE_CACHE,
        )
        written.append(key)
    config_key = CONFIG_PATH.lstrip("/")
    config = json.dumps(deployed_config(outputs), indent=2).encode()
    s3.put_object(Bucket=bucket, Key=config_key, Body=config, ContentType="application/json", CacheControl=CONFIG_CACHE)
    written.append(config_key)
    cloudfront.create_invalidation(
        DistributionId=outputs["DashboardDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"publish-{time.time_ns()}"},
    )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="upload the dashboard's pages and config.json to a deployed stack")
    parser.add_argument("--stack", default="delegated-admin-hooks")
    parser.add_argument("--region", default=None, help="the stack's region (default: the environment's)")
    parser.add_argument("--dry-run", action="store_true", help="print the config.json and the files; upload nothing")
    args = parser.parse_args(argv)

    import boto3

    session = boto3.session.Session(region_name=args.region)
    outputs = stack_outputs(session.client("cloudformation"), args.stack)
    if args.dry_run:
        print(json.dumps(deployed_config(outputs), indent=2))
        print("\n".join(str(path) for path in page_files(DASHBOARD)))
        return 0
    written = publish(session.client("s3"), session.client("cloudfront"), outputs)
    print(f"published {len(written)} files to s3://{outputs['DashboardBucketName']}")
    print(f"the dashboard: {outputs['DashboardUrl']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
