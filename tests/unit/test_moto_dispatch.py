"""The local moto servers find each host's backend once, and the one moto itself would find."""

from __future__ import annotations

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from local.moto_server import _dispatcher

HOSTS = [
    None,
    "moto_api",
    "cognito-idp.us-east-1.amazonaws.com",
    "sqs.us-east-1.amazonaws.com",
    "secretsmanager.us-east-1.amazonaws.com",
    "ssm.us-east-1.amazonaws.com",
]


def test_each_hosts_backend_is_the_one_moto_finds(monkeypatch):
    mine, motos = _dispatcher()(create_backend_app), DomainDispatcherApplication(create_backend_app)
    lookups: list[str | None] = []
    moto_lookup = DomainDispatcherApplication.get_backend_for_host

    def counted(self, host):
        lookups.append(host)
        return moto_lookup(self, host)

    monkeypatch.setattr(DomainDispatcherApplication, "get_backend_for_host", counted)
    for _ in range(3):
        assert [mine.get_backend_for_host(host) for host in HOSTS] == [moto_lookup(motos, host) for host in HOSTS]

    # moto's own lookup ran once per host, whatever the number of requests
    assert sorted(lookups, key=str) == sorted(HOSTS, key=str)
