"""The Cognito adapter's reads and changes, against moto's Cognito on 127.0.0.1."""

from __future__ import annotations

import re

import pytest

from dahooks.directory import DirectoryMapping
from dahooks.exceptions import ConflictError, InvalidRequestError, NotFoundError, NotSupportedError

from .conftest import PASSWORD, CognitoRig

CLIENT_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def groups_of(rig: CognitoRig, username: str) -> list[str]:
    response = rig.raw.admin_list_groups_for_user(UserPoolId=rig.pool_id, Username=username)
    return sorted(group["GroupName"] for group in response["Groups"])


def sign_in(rig: CognitoRig, username: str, password: str = PASSWORD) -> str:
    client_id = rig.raw.create_user_pool_client(UserPoolId=rig.pool_id, ClientName="t", ExplicitAuthFlows=CLIENT_FLOWS)[
        "UserPoolClient"
    ]["ClientId"]
    result = rig.raw.admin_initiate_auth(
        UserPoolId=rig.pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["AccessToken"])


def test_a_user_comes_out_auth0_shaped(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance", given_name="Kelly", family_name="Smith", phone_number="+4930123")
    user = rig.directory.get_user("kelly")
    created_at = user.pop("created_at")
    updated_at = user.pop("updated_at")
    assert user == {
        "user_id": "kelly",
        "username": "kelly",
        "email": "kelly@example.com",
        "email_verified": True,
        "name": "Kelly",
        "given_name": "Kelly",
        "family_name": "Smith",
        "phone_number": "+4930123",
        "blocked": False,
        "app_metadata": {"department": "Finance"},
        "user_metadata": {},
        "multifactor": [],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", created_at)  # Auth0's format
    assert updated_at >= created_at


def test_an_unknown_user_is_not_found(rig: CognitoRig) -> None:
    with pytest.raises(NotFoundError, match="The user does not exist"):
        rig.directory.get_user("ghost")


def test_create_puts_the_user_in_the_department_and_its_index(rig: CognitoRig) -> None:
    payload = {
        "username": "new-hire",
        "email": "New.Hire@Example.com",
        "password": PASSWORD,
        "name": "New Hire",
        "connection": "Username-Password-Authentication",
        "app_metadata": {"department": "Human Resources"},
    }
    user = rig.directory.create_user(payload)
    assert (user["user_id"], user["email"], user["app_metadata"]) == (
        "new-hire",
        "new.hire@example.com",  # stored in lower case, as Auth0 does
        {"department": "Human Resources"},
    )
    assert groups_of(rig, "new-hire") == ["department:Human%20Resources"]
    sign_in(rig, "new-hire")  # the password works at once: no temporary password to change
    found = rig.directory.department_users("Human Resources").users
    assert [found_user["user_id"] for found_user in found] == ["new-hire"]


def test_create_without_a_department_joins_no_group(rig: CognitoRig) -> None:
    rig.directory.create_user({"username": "nora", "email": "nora@example.com", "password": PASSWORD})
    assert groups_of(rig, "nora") == []
    assert rig.directory.get_user("nora")["app_metadata"] == {}


def test_create_of_a_taken_username_is_a_conflict(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    with pytest.raises(ConflictError, match="already exists"):
        rig.directory.create_user({"username": "kelly", "email": "other@example.com", "password": PASSWORD})


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "x@example.com", "blocked": True}, "blocked"),
        ({"email": "x@example.com", "app_metadata": {"roles": ["admin"]}}, "app_metadata.roles"),
        ({"email": "x@example.com", "user_metadata": {"color": "red"}}, "user_metadata.color"),
        ({"email": "x@example.com", "name": 5}, "name"),
        ({"email": "x@example.com", "email_verified": "yes"}, "email_verified"),
        ({"email": "x@example.com", "app_metadata": "Finance"}, "app_metadata"),
        ({"email": "x@example.com", "app_metadata": {"department": ""}}, "app_metadata.department"),
        ({"email": "x@example.com", "password": ""}, "password"),
        ({"name": "No Name"}, "username"),
    ],
)
def test_create_refuses_what_the_directory_cannot_store_and_creates_nothing(
    rig: CognitoRig, payload: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        rig.directory.create_user(payload)
    assert raised.value.field == field
    assert rig.raw.list_users(UserPoolId=rig.pool_id)["Users"] == []


def test_a_password_the_policy_refuses_is_a_400_and_leaves_no_user(rig: CognitoRig) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        rig.directory.create_user({"username": "weak", "email": "weak@example.com", "password": "short"})
    assert raised.value.field == "password"
    assert not rig.exists("weak")


def test_user_metadata_maps_to_configured_attributes(rig: CognitoRig) -> None:
    rig.raw.add_custom_attributes(
        UserPoolId=rig.pool_id, CustomAttributes=[{"Name": "color", "AttributeDataType": "String", "Mutable": True}]
    )
    directory = rig.directory_with(mapping=DirectoryMapping(user_metadata_attributes={"color": "custom:color"}))
    user = directory.create_user({"username": "c", "email": "c@example.com", "user_metadata": {"color": "teal"}})
    assert user["user_metadata"] == {"color": "teal"}
    updated = directory.update_user("c", {"user_metadata": {"color": None}})
    assert updated["user_metadata"] == {}


def test_update_changes_the_profile_and_removes_nulls(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance", given_name="Kelly", nickname="kel")
    user = rig.directory.update_user(
        "kelly", {"name": "Kelly S.", "nickname": None, "family_name": None, "email": "kelly@example.com"}
    )
    assert (user["name"], "nickname" in user, "family_name" in user) == ("Kelly S.", False, False)
    assert user["given_name"] == "Kelly"


def test_moving_a_user_to_another_department_moves_the_index_too(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    user = rig.directory.update_user("kelly", {"app_metadata": {"department": "HR"}})
    assert user["app_metadata"] == {"department": "HR"}
    assert groups_of(rig, "kelly") == ["department:HR"]
    user = rig.directory.update_user("kelly", {"app_metadata": {"department": None}})
    assert user["app_metadata"] == {}
    assert groups_of(rig, "kelly") == []


@pytest.mark.parametrize(
    ("payload", "error", "message"),
    [
        ({"username": "kelly2"}, NotSupportedError, "never changes a username"),
        ({"email": "new@example.com"}, InvalidRequestError, "change-email"),
        ({"password": PASSWORD}, InvalidRequestError, "change-password"),
        ({"blocked": True}, InvalidRequestError, "block or unblock"),
        ({"picture": ["not", "text"]}, InvalidRequestError, "must be a string"),
    ],
)
def test_update_refuses_what_has_a_route_of_its_own(
    rig: CognitoRig, payload: dict[str, object], error: type[Exception], message: str
) -> None:
    rig.seed("kelly", "Finance")
    with pytest.raises(error, match=message):
        rig.directory.update_user("kelly", payload)


def test_delete_removes_the_user_and_its_memberships(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    rig.directory.delete_user("kelly")
    assert not rig.exists("kelly")
    assert rig.directory.department_users("Finance").users == []
    with pytest.raises(NotFoundError):
        rig.directory.delete_user("kelly")


def test_set_password_is_permanent_and_checked_against_the_policy(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    rig.directory.set_password("kelly", PASSWORD)
    sign_in(rig, "kelly")
    with pytest.raises(InvalidRequestError) as raised:
        rig.directory.set_password("kelly", "short")
    assert raised.value.field == "password"


def test_reset_password_needs_a_verified_address_and_a_signed_in_user(rig: CognitoRig) -> None:
    rig.seed("unverified", "Finance", email_verified="false")
    rig.directory.set_password("unverified", PASSWORD)
    with pytest.raises(NotSupportedError, match="verified e-mail address"):
        rig.directory.reset_password("unverified")
    rig.seed("invited", "Finance")  # still has its invitation's temporary password
    with pytest.raises(NotSupportedError, match="signed in before"):
        rig.directory.reset_password("invited")
    rig.seed("kelly", "Finance")
    rig.directory.set_password("kelly", PASSWORD)
    rig.directory.reset_password("kelly")
    status = rig.raw.admin_get_user(UserPoolId=rig.pool_id, Username="kelly")["UserStatus"]
    assert status == "RESET_REQUIRED"


def test_block_disables_and_signs_out_and_unblock_enables(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    rig.directory.set_password("kelly", PASSWORD)
    token = sign_in(rig, "kelly")
    rig.directory.block_user("kelly")
    assert rig.directory.get_user("kelly")["blocked"] is True
    with pytest.raises(rig.raw.exceptions.NotAuthorizedException):
        rig.raw.get_user(AccessToken=token)  # the session it had is over
    assert [name for name, _ in rig.calls[-3:-1]] == ["AdminDisableUser", "AdminUserGlobalSignOut"]
    rig.directory.unblock_user("kelly")
    assert rig.directory.get_user("kelly")["blocked"] is False
    sign_in(rig, "kelly")


def test_remove_mfa_provider(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance", phone_number="+4930123")
    rig.raw.admin_set_user_mfa_preference(
        UserPoolId=rig.pool_id, Username="kelly", SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    assert rig.directory.get_user("kelly")["multifactor"] == ["sms"]
    rig.directory.remove_mfa_provider("kelly", "sms")
    assert rig.directory.get_user("kelly")["multifactor"] == []
    with pytest.raises(NotSupportedError, match="no multi-factor provider 'duo'"):
        rig.directory.remove_mfa_provider("kelly", "duo")


def test_change_email_sets_the_address_and_whether_it_is_verified(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    user = rig.directory.change_email("kelly", "Kelly.New@Example.com")
    assert (user["email"], user["email_verified"]) == ("kelly.new@example.com", False)
    user = rig.directory.change_email("kelly", "kelly.new@example.com", verified=True)
    assert user["email_verified"] is True


def test_what_cognito_cannot_do_says_why_and_what_to_do_instead(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    with pytest.raises(NotSupportedError, match="never changes a username.*Create a user"):
        rig.directory.change_username("kelly", "kelly2")
    with pytest.raises(NotSupportedError, match="no administrator call that sends a verification e-mail"):
        rig.directory.send_verification_email("kelly")
