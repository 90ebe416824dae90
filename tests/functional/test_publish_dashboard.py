"""`make publish-dashboard` against moto's S3 and CloudFront: every page with its Content-Type, a
config.json made from the stack's outputs (no secret in it), and the distribution invalidated."""

from __future__ import annotations

import json

from local import aws
from local.dashboard_site import page_files
from local.paths import DASHBOARD
from tools.publish_dashboard import publish

OUTPUTS = {
    "ApiUrl": "https://abc123.execute-api.eu-west-1.amazonaws.com/",
    "DashboardUrl": "https://d111111abcdef8.cloudfront.net/",
    "DashboardBucketName": "dashboard-pages-test",
    "DashboardClientId": "4example0client1id2",
    "DashboardSignInUrl": "https://example-hooks.auth.eu-west-1.amazoncognito.com",
}


def _distribution(cloudfront) -> str:
    config = {
        "CallerReference": "publish-test",
        "Comment": "",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "pages",
                    "DomainName": "dashboard-pages-test.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "pages",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
    }
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def test_the_pages_and_their_config_reach_the_bucket_and_the_cache_is_invalidated(moto_endpoint):
    s3, cloudfront = aws.client("s3", moto_endpoint), aws.client("cloudfront", moto_endpoint)
    s3.create_bucket(Bucket=OUTPUTS["DashboardBucketName"])
    outputs = {**OUTPUTS, "DashboardDistributionId": _distribution(cloudfront)}

    written = publish(s3, cloudfront, outputs)

    pages = [path.as_posix() for path in page_files(DASHBOARD)]
    assert written == [*pages, "config.json"]
    assert {"index.html", "css/app.css", "js/main.js"} <= set(pages)
    bucket = OUTPUTS["DashboardBucketName"]
    assert s3.head_object(Bucket=bucket, Key="index.html")["ContentType"] == "text/html; charset=utf-8"
    assert s3.head_object(Bucket=bucket, Key="js/main.js")["ContentType"] == "text/javascript; charset=utf-8"
    assert s3.get_object(Bucket=bucket, Key="js/main.js")["Body"].read() == (DASHBOARD / "js" / "main.js").read_bytes()
    config = json.loads(s3.get_object(Bucket=bucket, Key="config.json")["Body"].read())
    assert config == {
        "apiUrl": "https://abc123.execute-api.eu-west-1.amazonaws.com",
        "signIn": {
            "domain": "https://example-hooks.auth.eu-west-1.amazoncognito.com",
            "clientId": "4example0client1id2",
            "scope": "openid email profile",
        },
    }
    invalidations = cloudfront.list_invalidations(DistributionId=outputs["DashboardDistributionId"])
    assert invalidations["InvalidationList"]["Quantity"] == 1
