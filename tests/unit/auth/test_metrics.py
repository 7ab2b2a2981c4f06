from prometheus_client import CollectorRegistry

from motus_auth.metrics import GRANTS, LOGIN_OUTCOMES, AuthMetrics


def test_outcomes_exist_at_zero_and_only_known_grants_are_counted():
    registry = CollectorRegistry()
    metrics = AuthMetrics(registry)
    for outcome in LOGIN_OUTCOMES:
        assert registry.get_sample_value("motus_auth_logins_total", {"outcome": outcome}) == 0
    metrics.token_issued("refresh_token")
    # A grant_type a client made up never becomes a label value.
    metrics.token_issued("urn:made-up")
    metrics.token_issued(None)
    issued = {
        s.labels["grant"]: s.value
        for m in registry.collect()
        if m.name == "motus_auth_tokens_issued"
        for s in m.samples
        if s.name.endswith("_total")
    }
    assert issued == {grant: (1.0 if grant == "refresh_token" else 0.0) for grant in GRANTS}
    metrics.reuse_detected("refresh_token")
    assert registry.get_sample_value("motus_auth_token_reuse_detected_total", {"token": "refresh_token"}) == 1
