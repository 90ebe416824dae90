"""The dashboard's resources in template.yaml: a private bucket only the distribution reads, strict
security headers (the same the local gateway serves), and an app client that signs in with the
authorization code and PKCE, the one /api accepts."""

from __future__ import annotations

from local.dashboard_site import security_headers
from local.paths import ROOT
from local.template import Template, load_template

DOCUMENT = load_template(ROOT / "template.yaml")
RESOURCES = DOCUMENT["Resources"]


def properties(logical_id: str) -> dict:
    return RESOURCES[logical_id]["Properties"]


def test_the_bucket_is_private_and_read_by_the_distribution_only():
    bucket = properties("DashboardBucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    read, https_only = properties("DashboardBucketPolicy")["PolicyDocument"]["Statement"]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["Action"] == "s3:GetObject"
    source = read["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${DashboardDistribution}")
    assert (https_only["Effect"], https_only["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})

    origin = properties("DashboardDistribution")["DistributionConfig"]["Origins"][0]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["DashboardOriginAccessControl", "Id"]}
    control = properties("DashboardOriginAccessControl")["OriginAccessControlConfig"]
    assert (control["SigningBehavior"], control["SigningProtocol"]) == ("always", "sigv4")


def test_every_page_gets_the_security_headers_over_https():
    behaviour = properties("DashboardDistribution")["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "DashboardHeaders"}

    headers = security_headers(Template(), "https://login.example.com")
    policy = dict(directive.strip().split(" ", 1) for directive in headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"].split() == [
        "'self'",
        "https://*.execute-api.us-east-1.amazonaws.com",
        "https://login.example.com",
    ]
    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


def test_the_sign_in_origin_is_the_pools_managed_login():
    policy = properties("DashboardHeaders")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    _, variables = policy["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    assert variables["SignInOrigin"] == {
        "Fn::Sub": "https://${DashboardDomainPrefix}.auth.${AWS::Region}.amazoncognito.com"
    }


def test_the_app_client_signs_in_with_the_code_and_pkce_and_no_secret():
    client = properties("DashboardClient")
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["CallbackURLs"] == [{"Fn::Sub": "https://${DashboardDistribution.DomainName}/"}]
    assert client["LogoutURLs"] == client["CallbackURLs"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]  # no password sign-in through this client
    assert not any("department" in attribute for attribute in client["WriteAttributes"])


def test_the_users_api_accepts_the_dashboards_client_and_its_origin():
    api = properties("HttpApi")
    authorizer = api["Auth"]["Authorizers"]["DashboardUserAuthorizer"]["JwtConfiguration"]
    assert authorizer["audience"] == [{"Ref": "DashboardClient"}]
    assert api["CorsConfiguration"]["AllowOrigins"] == [{"Fn::Sub": "https://${DashboardDistribution.DomainName}"}]
